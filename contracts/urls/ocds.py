from django.urls import path

from ..views import ocds

urlpatterns = [
    path("contracts/import/", ocds.OcdsImportView.as_view(), name="ocds_import"),
    path("contracts/import/<uuid:pk>/", ocds.OcdsImportReviewView.as_view(), name="ocds_review"),
    path(
        "contracts/import/<uuid:pk>/imported/",
        ocds.OcdsImportResultView.as_view(),
        name="ocds_result",
    ),
    path(
        "organisations/<slug:slug>/publishing-names/",
        ocds.BuyerAliasListView.as_view(),
        name="buyer_aliases",
    ),
    path(
        "organisations/<slug:slug>/publishing-names/<int:alias>/remove/",
        ocds.BuyerAliasRemoveView.as_view(),
        name="buyer_alias_remove",
    ),
]
