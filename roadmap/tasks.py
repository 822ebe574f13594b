from celery import shared_task
from django.conf import settings

from roadmap.report import pipeline


# The name has "render": the task goes to the PDF queue (territoire/celery.py::route_task), whose worker runs one
# process at a time and replaces it every few renders. Acknowledged late and rejected when its worker dies, so a
# render interrupted by a killed process is delivered again; ``render_version`` is idempotent.
@shared_task(
    name="roadmap.report_render",
    acks_late=True,
    reject_on_worker_lost=True,
    # The version's row says how it went; no result to store, and nothing asked of the result backend (Redis)
    # when the task is sent, so that a broker outage is one clear error (``pipeline._send``).
    ignore_result=True,
    soft_time_limit=settings.REPORT_RENDER_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_RENDER_TIME_LIMIT,
)
def report_render_task(version_id: int) -> str:
    """Render one version of the final report to PDF and publish it; returns the version's status."""
    version = pipeline.render_version(version_id).version
    return version.status if version is not None else "missing"


@shared_task(name="roadmap.report_resend", ignore_result=True)
def report_resend_task() -> int:
    """Every minute (beat): send again the renders the broker refused while it was down."""
    return pipeline.resend_unsent()
