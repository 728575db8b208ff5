from django.urls import path

from ..views import assessment, exemptions, pipeline
from .delivery import urlpatterns as delivery_urlpatterns
from .governance import urlpatterns as governance_urlpatterns
from .ocds import urlpatterns as ocds_urlpatterns

app_name = "contracts"

urlpatterns = [
    path("contracts/", pipeline.ContractListView.as_view(), name="contract_list"),
    path("contracts/new/", pipeline.ContractCreateView.as_view(), name="contract_create"),
    path("contracts/<int:pk>/", pipeline.ContractDetailView.as_view(), name="contract_detail"),
    path("contracts/<int:pk>/edit/", pipeline.ContractUpdateView.as_view(), name="contract_update"),
    path(
        "contracts/<int:pk>/exemption/",
        exemptions.ContractExemptionView.as_view(),
        name="contract_exemption",
    ),
    path(
        "contracts/<int:pk>/exemption/decide/",
        exemptions.ExemptionDecideView.as_view(),
        name="exemption_decide",
    ),
    path(
        "contracts/<int:pk>/start-procurement/",
        pipeline.ProcurementStartView.as_view(),
        name="procurement_start",
    ),
    path(
        "contracts/<int:pk>/advance/",
        pipeline.ContractAdvanceView.as_view(),
        name="contract_advance",
    ),
    path(
        "contracts/<int:pk>/cancel/", pipeline.ContractCancelView.as_view(), name="contract_cancel"
    ),
    path(
        "contracts/<int:pk>/assessment/",
        assessment.AssessmentStartView.as_view(),
        name="assessment_start",
    ),
    path(
        "contracts/<int:pk>/assessment/v<int:version>/",
        assessment.AssessmentDetailView.as_view(),
        name="assessment_detail",
    ),
    path(
        "contracts/<int:pk>/assessment/v<int:version>/check/",
        assessment.AssessmentCheckView.as_view(),
        name="assessment_check",
    ),
    path(
        "contracts/<int:pk>/assessment/v<int:version>/sign-off/",
        assessment.AssessmentSignOffView.as_view(),
        name="assessment_sign_off",
    ),
    path(
        "contracts/<int:pk>/assessment/v<int:version>/reopen/",
        assessment.AssessmentReopenView.as_view(),
        name="assessment_reopen",
    ),
    # Last: any other slug is a section of the task list.
    path(
        "contracts/<int:pk>/assessment/v<int:version>/<slug:section>/",
        assessment.AssessmentSectionView.as_view(),
        name="assessment_section",
    ),
    *delivery_urlpatterns,
    *governance_urlpatterns,
    *ocds_urlpatterns,
]
