"""The consultations app's pages: objective proposals, and consultations with their responses
and summary. Each object's pages are listed once under its `<int:pk>/` prefix."""

from django.urls import include, path

from . import views as v

app_name = "consultations"

proposal_pages = [
    path("", v.ProposalDetailView.as_view(), name="proposal_detail"),
    path("edit/", v.ProposalUpdateView.as_view(), name="proposal_update"),
    path("submit/", v.ProposalSubmitView.as_view(), name="proposal_submit"),
    path("withdraw/", v.ProposalWithdrawView.as_view(), name="proposal_withdraw"),
    path("review/", v.ProposalStartReviewView.as_view(), name="proposal_start_review"),
    path("accept/", v.ProposalAcceptView.as_view(), name="proposal_accept"),
    path("accept/new-objective/", v.ProposalAdoptView.as_view(), name="proposal_adopt"),
    path("accept/existing-objective/", v.ProposalAttachView.as_view(), name="proposal_attach"),
    path("merge/", v.ProposalMergeView.as_view(), name="proposal_merge"),
    path("decline/", v.ProposalDeclineView.as_view(), name="proposal_decline"),
    path("notes/new/", v.ProposalNoteView.as_view(), name="proposal_note"),
    path("hide/", v.ProposalHideView.as_view(), name="proposal_hide"),
    path("unhide/", v.ProposalUnhideView.as_view(), name="proposal_unhide"),
    path("support/", v.SupportView.as_view(), name="proposal_support"),
    path("support/withdraw/", v.SupportWithdrawView.as_view(), name="proposal_support_withdraw"),
    path("questions/new/", v.CommentCreateView.as_view(), name="comment_create"),
    path("questions/<int:comment_pk>/answer/", v.CommentCreateView.as_view(), name="comment_reply"),
    path("comments/<int:comment_pk>/hide/", v.CommentHideView.as_view(), name="comment_hide"),
    path("files/<int:file_pk>/", v.ProposalFileView.as_view(), name="proposal_file"),
    path(
        "files/<int:file_pk>/remove/",
        v.ProposalFileRemoveView.as_view(),
        name="proposal_file_remove",
    ),
]

consultation_pages = [
    path("", v.ConsultationDetailView.as_view(), name="consultation_detail"),
    path("edit/", v.ConsultationUpdateView.as_view(), name="consultation_update"),
    path("questions/new/", v.QuestionCreateView.as_view(), name="question_create"),
    path(
        "questions/<int:question_pk>/remove/",
        v.QuestionRemoveView.as_view(),
        name="question_remove",
    ),
    path("publish/", v.ConsultationPublishView.as_view(), name="consultation_publish"),
    path("close/", v.ConsultationCloseView.as_view(), name="consultation_close"),
    path("respond/", v.ResponseView.as_view(), name="respond"),
    path("responses.csv", v.ResponsesExportView.as_view(), name="responses_export"),
    path("summary/", v.SummaryView.as_view(), name="summary"),
    path("summary/edit/", v.SummaryEditView.as_view(), name="summary_edit"),
    path("summary/entries/new/", v.SummaryEntryCreateView.as_view(), name="summary_entry_create"),
    path(
        "summary/entries/<int:entry_pk>/remove/",
        v.SummaryEntryRemoveView.as_view(),
        name="summary_entry_remove",
    ),
    path("summary/publish/", v.SummaryPublishView.as_view(), name="summary_publish"),
]

urlpatterns = [
    path("proposals/", v.ProposalListView.as_view(), name="proposal_list"),
    path("proposals/new/", v.ProposalCreateView.as_view(), name="proposal_create"),
    path("proposals/<int:pk>/", include(proposal_pages)),
    path("consultations/", v.ConsultationListView.as_view(), name="consultation_list"),
    path("consultations/new/", v.ConsultationCreateView.as_view(), name="consultation_create"),
    path("consultations/<int:pk>/", include(consultation_pages)),
]
