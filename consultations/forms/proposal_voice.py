"""The forms of what the community adds to a proposal: support, questions and answers, and
hiding a comment."""

from django import forms

from people.models import Organisation
from socialvalue.forms import GovFormMixin


class SupportForm(GovFormMixin, forms.Form):
    submit_label = "Support this proposal"

    organisation = forms.ModelChoiceField(
        label="Support as",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Myself",
        blank=True,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from people.permissions import organisation_ids

        orgs = Organisation.objects.current().filter(pk__in=organisation_ids(user)).order_by("name")
        self.fields["organisation"].queryset = orgs
        self.helper.label_size = "s"


class CommentForm(GovFormMixin, forms.Form):
    submit_label = "Post question"

    body = forms.CharField(
        label="Your question",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Everyone can read questions and answers. Your name is not shown",
        error_messages={
            "required": "Enter your question",
            "max_length": "Your question must be 2,000 characters or fewer",
        },
    )

    def __init__(self, *args, answering: bool = False, **kwargs):
        if answering:
            self.submit_label = "Post answer"
        super().__init__(*args, **kwargs)
        if answering:
            self.fields["body"].label = "Your answer"
            self.fields["body"].error_messages.update(
                required="Enter your answer",
                max_length="Your answer must be 2,000 characters or fewer",
            )
        self.helper.label_size = "s"


class HideCommentForm(GovFormMixin, forms.Form):
    submit_label = "Hide comment"

    reason = forms.CharField(
        label="Why is it being hidden?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown publicly in place of the comment, and emailed to its author",
        error_messages={"required": "Explain why the comment is hidden"},
    )


__all__ = ["CommentForm", "HideCommentForm", "SupportForm"]
