"""No browser cache or proxy keeps a page or file with personal or commercial data.

Deny by default: `PrivateByDefaultMiddleware` marks every response `Cache-Control: private,
no-store`, unless the view is one of `PUBLIC_VIEWS` (the same for everyone, with only public
data) and the request is not signed in (every page names the person signed in, in its header)
and the response sets no cookie. Static files are served before this middleware and keep their
own long-lived headers.
"""

from django.utils.cache import patch_cache_control

# The views whose responses to anonymous requests are the same for everyone and hold only
# published data: the public register, lists and summaries, the transparency pages and open
# data, the information pages. A shared cache may keep these; see also the README's
# "Production serving".
PUBLIC_VIEWS = frozenset(
    {
        "home",  # the public landing page; a signed-in person's home is private
        "search",  # anonymous people find only public records
        "accessibility",
        "privacy",
        "objectives:objective_list",
        "objectives:objective_export",
        "consultations:proposal_list",
        "consultations:consultation_list",
        "dashboards:transparency_index",
        "dashboards:transparency",
        "dashboards:commitments_csv",
        "dashboards:ocds",
        "publishing:file",
    }
)


def may_be_shared(request, response) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in PUBLIC_VIEWS or response.cookies:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


class PrivateByDefaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not may_be_shared(request, response):
            patch_cache_control(response, private=True, no_store=True)
        return response
