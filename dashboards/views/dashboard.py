"""The leaders' dashboard (`/dashboard/`) and its printable PDF summary."""

from django.http import HttpResponse
from django.utils import timezone
from django.views.generic import TemplateView

from people.models import Membership
from people.permissions import served_by
from places.models import Place
from socialvalue.views import RuleRequiredMixin

from .base import FiguresMixin

Role = Membership.Role


class DashboardView(RuleRequiredMixin, FiguresMixin, TemplateView):
    """/dashboard/: for leaders and officers of a public body serving the place."""

    permission_rule = "dashboards.view_dashboard"
    template_name = "dashboards/dashboard.html"

    def places(self):
        return served_by(self.request.user, Role.LEADER, Role.OFFICER).order_by("name")

    def get_permission_object(self):
        """The place asked for (any place: the rule refuses those the user does not serve), or
        the user's first place."""
        slug = self.request.GET.get("place")
        if slug:
            return Place.objects.filter(slug=slug).first()
        return self.places().first()

    def get(self, request, *args, **kwargs):
        place = self.get_permission_object()
        return self.render_or_download(place, self.places(), f"dashboard-{place.slug}")


class DashboardSummaryPdfView(DashboardView):
    """/dashboard/summary.pdf: the printable summary (at most four A4 pages) for the same
    filters, rendered from the page's templates (dashboards/pdf.py)."""

    template_name = "dashboards/summary_pdf.html"

    def get(self, request, *args, **kwargs):
        from django.template.loader import render_to_string

        from ..pdf import render_pdf

        place = self.get_permission_object()
        context = self.get_context_data()
        context.update(self.build(place, self.places()))
        html = render_to_string(self.template_name, context, request=request)
        pdf, _pages = render_pdf(html)
        response = HttpResponse(pdf, content_type="application/pdf")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = (
            f'attachment; filename="social-value-summary-{place.slug}-{stamp}.pdf"'
        )
        return response
