"""The Django admin, with the service's own sign-in in front of it.

The admin's sign-in page is the service's sign-in (`people.views.AdminSignInView`), so the
same throttle, the same lock and the same two-factor step apply there: there is no second,
weaker way in for the people who can change anything. Every admin page also asks a person who
must use two-factor sign-in for a verified code first (`people.two_factor`).
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache


class SocialValueAdminSite(admin.AdminSite):
    site_header = "Social value administration"
    site_title = "Social value admin"

    def admin_view(self, view, cacheable=False):
        """Every admin page: staff only (as ever), then two-factor sign-in where required."""
        from .two_factor import two_factor_required_view

        return super().admin_view(two_factor_required_view(view), cacheable)

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        from .views import AdminSignInView

        return AdminSignInView.as_view()(request)


class SocialValueAdminConfig(AdminConfig):
    """`django.contrib.admin`, with the site above as `admin.site`."""

    default_site = "people.admin_site.SocialValueAdminSite"
