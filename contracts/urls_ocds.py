from django.urls import path

from .views.ocds import OcdsImportView

urlpatterns = [path("contracts/import/", OcdsImportView.as_view(), name="ocds_import")]
