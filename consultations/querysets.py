"""Reads: who may see which proposals and consultations, and what each page needs loaded."""

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from socialvalue.rules import unrestricted


def _areas_in_order():
    from places.models import Area

    return Area.objects.select_related("parent").order_by("path")


def _count(model, fk: str, **filters):
    rows = (
        model.objects.filter(**{fk: OuterRef("pk")}, **filters)
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=models.IntegerField()), 0)


class ProposalQuerySet(models.QuerySet):
    def public(self):
        """Everything ever submitted. Drafts (never submitted) stay with their organisation."""
        return self.filter(submitted_at__isnull=False)

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.public()
        if unrestricted(user):
            return self
        from people.permissions import organisation_ids

        own = organisation_ids(user)
        return self.filter(Q(submitted_at__isnull=False) | Q(organisation_id__in=own))

    def listed_for(self, user):
        """What lists show the user: what they may see, less proposals an officer has hidden,
        except to the proposing organisation's people and the officers reviewing in the place
        (matching the rule `consultations.view_hidden_proposal`)."""
        visible = self.visible_to(user)
        if not user.is_authenticated:
            return visible.filter(hidden_at__isnull=True)
        if unrestricted(user):
            return visible
        from people.permissions import organisation_ids

        from .permissions import reviewer_place_ids

        return visible.filter(
            Q(hidden_at__isnull=True)
            | Q(organisation_id__in=organisation_ids(user))
            | Q(place_id__in=reviewer_place_ids(user))
        )

    def for_list(self):
        from .models import Comment, Support

        return (
            self.select_related("organisation", "suggested_outcome", "objective", "place")
            .prefetch_related(models.Prefetch("areas", queryset=_areas_in_order()))
            .annotate(
                support_count=_count(Support, "proposal"),
                question_count=_count(Comment, "proposal", reply_to__isnull=True),
            )
        )

    def for_detail(self):
        from .models import ProposalFile

        return (
            self.for_list()
            .select_related("suggested_outcome__theme", "merged_into", "created_by")
            .prefetch_related(
                "links",
                models.Prefetch(
                    "files", queryset=ProposalFile.objects.filter(removed_at__isnull=True)
                ),
            )
        )

    def within_area(self, area):
        from places.models import Area

        return self.filter(
            Exists(
                self.model.areas.through.objects.filter(
                    proposal_id=OuterRef("pk"),
                    area_id__in=Area.objects.within(area).values("pk"),
                )
            )
        )


class ProposalEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A proposal's record: its public steps to everyone; a private note (or private
        record, such as why a comment was hidden) only to

        - officers of the public body that wrote it, and
        - officers of the bodies reviewing the proposal: a body whose officer started its
          review or decided it (accepted, merged or declined it),

        never to anyone in the proposing organisation (an officer who is also a proposer
        included), and to superusers. Writing a note does not open the others' notes."""
        public = Q(is_private=False)
        if not user.is_authenticated:
            return self.filter(public)
        if unrestricted(user):
            return self
        from people.permissions import organisation_ids

        from .models import Proposal
        from .permissions import reviewing_body_ids

        bodies = reviewing_body_ids(user)
        if not bodies:
            return self.filter(public)
        reviewing = self.model.objects.filter(
            proposal=OuterRef("proposal"),
            kind=self.model.Kind.TRANSITION,
            to_status__in=Proposal.REVIEWER_MOVES,
            by_organisation_id__in=bodies,
        )
        readable = Q(by_organisation_id__in=bodies) | Q(Exists(reviewing))
        return self.filter(
            public | (readable & ~Q(proposal__organisation_id__in=organisation_ids(user)))
        )


class CommentQuerySet(models.QuerySet):
    def for_thread(self):
        return self.select_related("author_organisation", "hidden_by").order_by("created_at", "pk")


class ConsultationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def visible_to(self, user):
        """Published consultations are public; drafts are seen by the owner's people."""
        if not user.is_authenticated:
            return self.published()
        if unrestricted(user):
            return self
        from people.permissions import organisation_ids

        return self.filter(Q(published_at__isnull=False) | Q(owner_id__in=organisation_ids(user)))

    def for_list(self):
        return self.select_related("owner", "place").prefetch_related(
            models.Prefetch("areas", queryset=_areas_in_order())
        )

    def within_area(self, area):
        from places.models import Area

        return self.filter(
            Exists(
                self.model.areas.through.objects.filter(
                    consultation_id=OuterRef("pk"),
                    area_id__in=Area.objects.within(area).values("pk"),
                )
            )
        )
