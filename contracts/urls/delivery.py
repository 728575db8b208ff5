"""Award, commitments and delivery returns (included by contracts.urls, namespace
"contracts")."""

from django.urls import path

from ..views import delivery, queues

urlpatterns = [
    path("contracts/<int:pk>/award/", delivery.AwardView.as_view(), name="contract_award"),
    path(
        "contracts/<int:pk>/award/suppliers/new/",
        delivery.AwardSupplierCreateView.as_view(),
        name="award_supplier_create",
    ),
    path(
        "contracts/<int:pk>/subcontractors/new/",
        delivery.SubcontractorCreateView.as_view(),
        name="subcontractor_create",
    ),
    path(
        "contracts/<int:pk>/periods/",
        delivery.ContractPeriodsView.as_view(),
        name="contract_periods",
    ),
    path("contracts/<int:pk>/kpis/new/", delivery.KpiCreateView.as_view(), name="kpi_create"),
    path(
        "contracts/<int:pk>/ratings/new/", delivery.RatingCreateView.as_view(), name="rating_create"
    ),
    path(
        "contracts/<int:pk>/commitments/new/",
        delivery.CommitmentCreateView.as_view(),
        name="commitment_create",
    ),
    path(
        "commitments/<int:pk>/", delivery.CommitmentDetailView.as_view(), name="commitment_detail"
    ),
    path(
        "commitments/<int:pk>/recovery/",
        delivery.CommitmentRecoveryView.as_view(),
        name="commitment_recovery",
    ),
    path(
        "commitments/<int:pk>/returns/new/",
        delivery.ReturnCreateView.as_view(),
        name="return_create",
    ),
    path("returns/", delivery.ReturnListView.as_view(), name="return_list"),
    path("returns/waiting/<slug:queue>/", queues.ReturnQueueView.as_view(), name="return_queue"),
    path("returns/verify/", queues.ReturnBulkVerifyView.as_view(), name="return_bulk_verify"),
    path("returns/<int:pk>/", delivery.ReturnDetailView.as_view(), name="return_detail"),
    path("returns/<int:pk>/verify/", delivery.ReturnVerifyView.as_view(), name="return_verify"),
    path("returns/<int:pk>/query/", delivery.ReturnQueryView.as_view(), name="return_query"),
    path("returns/<int:pk>/reject/", delivery.ReturnRejectView.as_view(), name="return_reject"),
    path("returns/<int:pk>/answer/", delivery.ReturnAnswerView.as_view(), name="return_answer"),
    path(
        "returns/<int:pk>/confirm/",
        delivery.ReturnConfirmSupportView.as_view(),
        name="return_confirm",
    ),
    path(
        "returns/files/<int:pk>/",
        delivery.EvidenceDownloadView.as_view(),
        name="evidence_download",
    ),
]
