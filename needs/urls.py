from django.urls import path

from . import views

app_name = "needs"

urlpatterns = [
    path("needs/", views.NeedListView.as_view(), name="need_list"),
    path("needs/new/", views.NeedCreateView.as_view(), name="need_create"),
    path("needs/unmet/", views.UnmetNeedsView.as_view(), name="unmet"),
    path("needs/propose/", views.NeedsToProposalView.as_view(), name="propose"),
    path("needs/<int:pk>/", views.NeedDetailView.as_view(), name="need_detail"),
    path("needs/<int:pk>/edit/", views.NeedUpdateView.as_view(), name="need_update"),
    path("needs/<int:pk>/pledge/", views.PledgeCreateView.as_view(), name="pledge_create"),
    path("needs/<int:pk>/hide/", views.NeedHideView.as_view(), name="need_hide"),
    path("needs/<int:pk>/show/", views.NeedUnhideView.as_view(), name="need_unhide"),
    path("needs/<int:pk>/<slug:step>/", views.NeedStepView.as_view(), name="need_step"),
    path("needs/<int:pk>/files/<int:file_pk>/", views.NeedFileView.as_view(), name="need_file"),
    path("pledges/", views.PledgeListView.as_view(), name="pledge_list"),
    path("pledges/<int:pk>/", views.PledgeDetailView.as_view(), name="pledge_detail"),
    path("pledges/<int:pk>/accept/", views.PledgeAcceptView.as_view(), name="pledge_accept"),
    path("pledges/<int:pk>/decline/", views.PledgeDeclineView.as_view(), name="pledge_decline"),
    path("pledges/<int:pk>/withdraw/", views.PledgeWithdrawView.as_view(), name="pledge_withdraw"),
    path("pledges/<int:pk>/received/", views.PledgeReceiptView.as_view(), name="pledge_receipt"),
    path(
        "pledges/<int:pk>/receipt-file/",
        views.PledgeReceiptFileView.as_view(),
        name="pledge_receipt_file",
    ),
]
