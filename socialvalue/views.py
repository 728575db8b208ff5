"""Cross-cutting views: home, health check, static information pages and error pages."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.utils import Error as DatabaseError  # any driver error: closed, refused…
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import TemplateView

from people.models import Invitation, Membership, Organisation
from people.permissions import organisation_ids
from socialvalue.attention import attention_for
from socialvalue.rules import allowed


class RuleRequiredMixin:
    """Refuse the request (403) unless the user passes `permission_rule` for the object.

    Objects the user may not even see are already a 404, because views fetch them through
    `visible_to(user)` querysets; this mixin handles "may see, but may not do".
    """

    permission_rule: str = ""

    def get_permission_object(self):
        return None

    def check_permission(self):
        if not allowed(self.request.user, self.permission_rule, self.get_permission_object()):
            raise PermissionDenied

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_rule:
            raise PermissionDenied  # deny by default: a view must name its rule
        self.request = request
        self.args, self.kwargs = args, kwargs
        self.check_permission()
        return super().dispatch(request, *args, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class HomeView(TemplateView):
    """The site root: a signed-in person's own page (what waits for them, their
    organisations); for everyone else the public landing page of the place, the same for all
    and cacheable (`socialvalue.caching.PUBLIC_VIEWS`)."""

    template_name = "home.html"

    def get_template_names(self):
        if not self.request.user.is_authenticated:
            return ["landing.html"]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        if not self.request.user.is_authenticated:
            return super().get_context_data(**kwargs)
        context = super().get_context_data(**kwargs)
        user = self.request.user
        memberships = list(
            Membership.objects.current()
            .filter(user=user, organisation__archived_at__isnull=True)
            .select_related("organisation", "organisation__place")
            .prefetch_related("organisation__areas")
            .order_by("organisation__name", "role")
        )
        organisations: dict[int, dict] = {}
        for membership in memberships:
            entry = organisations.setdefault(
                membership.organisation_id,
                {"organisation": membership.organisation, "roles": []},
            )
            entry["roles"].append(membership.get_role_display())
        admin_org_ids = organisation_ids(user, Membership.Role.ORG_ADMIN)
        context.update(
            organisations=list(organisations.values()),
            pending_invitations=Invitation.objects.filter(
                organisation_id__in=admin_org_ids,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__gt=timezone.now(),
            ).count()
            if admin_org_ids
            else 0,
            admin_organisations=Organisation.objects.filter(pk__in=admin_org_ids),
            attention=attention_for(user),
        )
        return context


@method_decorator(login_not_required, name="dispatch")
class HealthView(View):
    """200 with a database round trip; 503 when the database cannot be reached."""

    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
        return JsonResponse({"status": "ok", "database": "ok"})


@method_decorator(login_not_required, name="dispatch")
class InformationPageView(TemplateView):
    """Accessibility statement, privacy notice and the like: public, static pages."""


@login_not_required
def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


@login_not_required
def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


@login_not_required
def error_500(request):
    # No context processors that touch the database: the database may be why we are here.
    from django.http import HttpResponseServerError
    from django.template import loader

    template = loader.get_template("errors/500.html")
    return HttpResponseServerError(template.render({}))


@method_decorator(login_not_required, name="dispatch")
class SearchView(TemplateView):
    """Search objectives, proposals, consultations and contracts, as the person may see them
    (`socialvalue.search`). Without a type: how many of each match and the best few of each;
    with one (`?type=`): that type's matches, a page at a time. A fixed number of queries."""

    template_name = "search.html"
    paginate_by = 20
    preview = 5

    def get_context_data(self, **kwargs):
        from django.core.paginator import Paginator

        from socialvalue import search

        context = super().get_context_data(**kwargs)
        user, params = self.request.user, self.request.GET
        text = search.cleaned_query(params.get("q", ""))
        chosen = search.source(params.get("type", ""), user)
        context.update(query=text, chosen=chosen, sources=search.sources(user))
        if not text:
            return context
        if chosen is not None:
            paginator = Paginator(search.search(chosen, user, text), self.paginate_by)
            page = paginator.get_page(params.get("page"))
            context.update(page_obj=page, results=_summarised(chosen, page.object_list))
            return context
        groups = []
        for source in search.sources(user):
            found = search.search(source, user, text)
            count = found.count()
            results = _summarised(source, found[: self.preview] if count else [])
            groups.append({"source": source, "count": count, "results": results})
        context["groups"] = groups
        return context


def _summarised(source, records) -> list:
    """Each record with `search_summary`, the field its source names (`Source.summary`)."""
    records = list(records)
    for record in records:
        record.search_summary = getattr(record, source.summary, "")
    return records
