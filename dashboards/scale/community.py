"""Generated proposals (with supports and comments) and consultations (with questions,
options, responses and answers)."""

import datetime

from django.db import transaction

from consultations.models import (
    Answer,
    Comment,
    Consultation,
    Option,
    Proposal,
    Question,
    Response,
    Support,
)

from .base import Base, Counter


class CommunityPart(Base):
    def community(self):
        statuses = (
            ["submitted"] * 4
            + ["under_review"] * 2
            + ["accepted"] * 2
            + ["declined", "withdrawn", "merged", "draft"]
        )
        proposal_ids = Counter.after(Proposal)
        through = Proposal.areas.through
        total = self.n("proposals")
        for first in range(0, total, 10_000):
            proposals, links, supports, comments = [], [], [], []
            for i in range(first, min(total, first + 10_000)):
                group = self.random.choice(self.vcs)
                status = self.random.choice(statuses)
                if status == "merged" and not proposals:
                    status = "submitted"  # merged needs an earlier proposal to merge into
                proposal = Proposal(
                    pk=proposal_ids.take(),
                    place=self.place,
                    organisation=group,
                    title=f"Generated proposal {i + 1}",
                    problem="Generated.",
                    status=status,
                    submitted_at=self.now if status != "draft" else None,
                    suggested_outcome=self.random.choice(self.outcomes),
                    created_by=self.vcs_members[group.pk],
                    objective=self.random.choice(self.active_objectives)
                    if status == "accepted"
                    else None,
                    merged_into_id=proposals[-1].pk if status == "merged" else None,
                )
                proposals.append(proposal)
                links.append(
                    through(
                        proposal_id=proposal.pk, area_id=self.random.choice(self.neighbourhoods).pk
                    )
                )
                for user in self.random.sample(self.residents, min(2, len(self.residents))):
                    supports.append(Support(proposal_id=proposal.pk, user=user))
                comments.append(
                    Comment(
                        proposal_id=proposal.pk,
                        author=self.officers[0],
                        author_organisation=self.bodies[0],
                        is_answer=True,
                        body="Generated answer.",
                    )
                )
            with transaction.atomic():
                self.save(Proposal, proposals)
                self.save(through, links)
                self.save(Support, supports)
                self.save(Comment, comments)
            self.say(f"{min(total, first + 10_000):,} of {total:,} proposals")
        self.consultations()

    def consultations(self):
        """Closed consultations with one question each and their responses. Long because it
        writes out each generated row in full, in the order the seeded random numbers are drawn;
        splitting it would only scatter that order."""
        total = self.n("consultations")
        responses_each = max(1, self.n("responses") // total)
        consultation_ids, question_ids = Counter.after(Consultation), Counter.after(Question)
        option_ids, response_ids = Counter.after(Option), Counter.after(Response)
        from consultations.models import RespondentType

        types = list(RespondentType.values)
        for c in range(total):
            consultation = Consultation(
                pk=consultation_ids.take(),
                place=self.place,
                owner=self.random.choice(self.bodies),
                title=f"Generated consultation {c + 1}",
                purpose="Generated.",
                opens_on=self.today - datetime.timedelta(days=120),
                closes_on=self.today - datetime.timedelta(days=30),
                allow_anonymous=True,
                published_at=self.now,
                closed_at=self.now,
                summary_published_at=self.now,
                created_by=self.officers[0],
            )
            question = Question(
                pk=question_ids.take(),
                consultation_id=consultation.pk,
                position=0,
                text="Do you agree?",
                kind="single",
            )
            options = [
                Option(pk=option_ids.take(), question_id=question.pk, position=p, label=label)
                for p, label in enumerate(["Yes", "No", "Not sure"])
            ]
            responses, answers = [], []
            for _ in range(responses_each):
                response = Response(
                    pk=response_ids.take(),
                    consultation_id=consultation.pk,
                    respondent_type=self.random.choice(types),
                    area=self.random.choice(self.neighbourhoods),
                )
                responses.append(response)
                answers.append(
                    Answer(
                        response_id=response.pk,
                        question_id=question.pk,
                        option_id=self.random.choice(options).pk,
                    )
                )
            with transaction.atomic():
                self.save(Consultation, [consultation])
                Consultation.areas.through.objects.create(
                    consultation_id=consultation.pk, area_id=self.wards[0].pk
                )
                self.save(Question, [question])
                self.save(Option, options)
                self.save(Response, responses)
                self.save(Answer, answers)
            if (c + 1) % 20 == 0 or c + 1 == total:
                self.say(
                    f"{c + 1} of {total} consultations, "
                    f"{self.counts.get('consultations.Response', 0):,} responses"
                )
