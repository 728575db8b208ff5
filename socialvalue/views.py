"""Cross-cutting views: home, health check, static information pages and error pages."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.utils import Error as DatabaseError  # any driver error: closed, refused…
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import TemplateView

from socialvalue.attention import home_context

# The view bases live in `view_bases`; the name stays importable here for older imports.
from .view_bases import RuleRequiredMixin  # noqa: F401


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
        context.update(home_context(self.request.user))
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
