"""Responses that must not outlive the request in a browser's or a proxy's cache."""

from django.utils.cache import patch_cache_control


class PrivateNoStoreMiddleware:
    """Pages of a signed-in user and every file download carry ``Cache-Control: private, no-store``.

    A shared computer's back button or a proxy would otherwise keep a commune's data after logout. A view
    that sets its own Cache-Control keeps it (public respondent pages, health probe); static files never
    reach this middleware (WhiteNoise answers them first).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        is_download = response.get("Content-Disposition", "").lower().startswith("attachment")
        if is_download or (user is not None and user.is_authenticated):
            patch_cache_control(response, private=True, no_store=True)
        return response
