from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    # Objective proposals
    path("proposals/", views.ProposalListView.as_view(), name="proposal_list"),
    path("proposals/new/", views.ProposalCreateView.as_view(), name="proposal_create"),
    path("proposals/<int:pk>/", views.ProposalDetailView.as_view(), name="proposal_detail"),
    path("proposals/<int:pk>/edit/", views.ProposalUpdateView.as_view(), name="proposal_update"),
    path("proposals/<int:pk>/submit/", views.ProposalSubmitView.as_view(), name="proposal_submit"),
    path(
        "proposals/<int:pk>/withdraw/",
        views.ProposalWithdrawView.as_view(),
        name="proposal_withdraw",
    ),
    path(
        "proposals/<int:pk>/review/",
        views.ProposalStartReviewView.as_view(),
        name="proposal_start_review",
    ),
    path("proposals/<int:pk>/accept/", views.ProposalAcceptView.as_view(), name="proposal_accept"),
    path(
        "proposals/<int:pk>/accept/new-objective/",
        views.ProposalAdoptView.as_view(),
        name="proposal_adopt",
    ),
    path(
        "proposals/<int:pk>/accept/existing-objective/",
        views.ProposalAttachView.as_view(),
        name="proposal_attach",
    ),
    path("proposals/<int:pk>/merge/", views.ProposalMergeView.as_view(), name="proposal_merge"),
    path(
        "proposals/<int:pk>/decline/", views.ProposalDeclineView.as_view(), name="proposal_decline"
    ),
    path("proposals/<int:pk>/notes/new/", views.ProposalNoteView.as_view(), name="proposal_note"),
    path("proposals/<int:pk>/hide/", views.ProposalHideView.as_view(), name="proposal_hide"),
    path("proposals/<int:pk>/unhide/", views.ProposalUnhideView.as_view(), name="proposal_unhide"),
    path("proposals/<int:pk>/support/", views.SupportView.as_view(), name="proposal_support"),
    path(
        "proposals/<int:pk>/support/withdraw/",
        views.SupportWithdrawView.as_view(),
        name="proposal_support_withdraw",
    ),
    path(
        "proposals/<int:pk>/questions/new/",
        views.CommentCreateView.as_view(),
        name="comment_create",
    ),
    path(
        "proposals/<int:pk>/questions/<int:comment_pk>/answer/",
        views.CommentCreateView.as_view(),
        name="comment_reply",
    ),
    path(
        "proposals/<int:pk>/comments/<int:comment_pk>/hide/",
        views.CommentHideView.as_view(),
        name="comment_hide",
    ),
    path(
        "proposals/<int:pk>/files/<int:file_pk>/",
        views.ProposalFileView.as_view(),
        name="proposal_file",
    ),
    path(
        "proposals/<int:pk>/files/<int:file_pk>/remove/",
        views.ProposalFileRemoveView.as_view(),
        name="proposal_file_remove",
    ),
    # Consultations
    path("consultations/", views.ConsultationListView.as_view(), name="consultation_list"),
    path("consultations/new/", views.ConsultationCreateView.as_view(), name="consultation_create"),
    path(
        "consultations/<int:pk>/",
        views.ConsultationDetailView.as_view(),
        name="consultation_detail",
    ),
    path(
        "consultations/<int:pk>/edit/",
        views.ConsultationUpdateView.as_view(),
        name="consultation_update",
    ),
    path(
        "consultations/<int:pk>/questions/new/",
        views.QuestionCreateView.as_view(),
        name="question_create",
    ),
    path(
        "consultations/<int:pk>/questions/<int:question_pk>/remove/",
        views.QuestionRemoveView.as_view(),
        name="question_remove",
    ),
    path(
        "consultations/<int:pk>/publish/",
        views.ConsultationPublishView.as_view(),
        name="consultation_publish",
    ),
    path(
        "consultations/<int:pk>/close/",
        views.ConsultationCloseView.as_view(),
        name="consultation_close",
    ),
    path("consultations/<int:pk>/respond/", views.ResponseView.as_view(), name="respond"),
    path(
        "consultations/<int:pk>/responses.csv",
        views.ResponsesExportView.as_view(),
        name="responses_export",
    ),
    path("consultations/<int:pk>/summary/", views.SummaryView.as_view(), name="summary"),
    path(
        "consultations/<int:pk>/summary/edit/",
        views.SummaryEditView.as_view(),
        name="summary_edit",
    ),
    path(
        "consultations/<int:pk>/summary/entries/new/",
        views.SummaryEntryCreateView.as_view(),
        name="summary_entry_create",
    ),
    path(
        "consultations/<int:pk>/summary/entries/<int:entry_pk>/remove/",
        views.SummaryEntryRemoveView.as_view(),
        name="summary_entry_remove",
    ),
    path(
        "consultations/<int:pk>/summary/publish/",
        views.SummaryPublishView.as_view(),
        name="summary_publish",
    ),
]
