"""Request plumbing: the health probe, request ids and logs, and caching of private responses."""

import contextvars
import logging
import time
import uuid

from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject, empty


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


# --- Health probe, request ids and one log line per request ----------------------------------------

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
request_log = logging.getLogger("territoire.request")


def current_request_id() -> str:
    return _request_id.get()


def install_request_id_on_log_records() -> None:
    """Every log record gets the current request's id (``%(request_id)s``), whichever handler reads it."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "adds_request_id", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        record.request_id = _request_id.get()
        return record

    factory.adds_request_id = True
    logging.setLogRecordFactory(factory)


class RequestIdFilter(logging.Filter):
    """For records made before the apps were ready (no id yet): the formatter still finds the key."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


class HealthCheckMiddleware:
    """Answer the health probe before host validation and the https redirect.

    Docker and load balancers probe ``http://127.0.0.1:8000/sante/`` in plain http with whatever Host
    they send: ALLOWED_HOSTS would answer 400 (with a traceback in the log every 30 s) and
    SECURE_SSL_REDIRECT a 301, so the container would never be healthy. First in MIDDLEWARE.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.path = None  # resolved on the first request: the URLconf is not loaded yet at start-up

    def __call__(self, request):
        # Every request passes here (autosaves included): resolve the probe's path once, not per request.
        if self.path is None:
            self.path = reverse("health")
        if request.path == self.path:
            from territoire.views.core import health

            return health(request)
        return self.get_response(request)


class RequestLogMiddleware:
    """One ``key=value`` line per request, with an id that the 500 page shows and the log carries.

    A support person asked about "the error at 10:42" searches the id the user read on the page.
    The user is logged only when the request already loaded it (no extra query on public pages);
    the commune or mission comes from the URL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex[:12]
        token = _request_id.set(request.request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            request_log.info(
                "request id=%s method=%s path=%s status=%s duration_ms=%d user=%s commune=%s mission=%s",
                request.request_id,
                request.method,
                request.path,
                response.status_code,
                (time.monotonic() - started) * 1000,
                _user_id(request),
                *_tenant_ids(request),
            )
            return response
        finally:
            _request_id.reset(token)


def _user_id(request) -> str:
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return "-"
    return str(user.pk) if user is not None and user.is_authenticated else "-"


def _tenant_ids(request) -> tuple[str, str]:
    kwargs = request.resolver_match.kwargs if request.resolver_match else {}
    return str(kwargs.get("commune_id", "-")), str(kwargs.get("mission_id", "-"))
