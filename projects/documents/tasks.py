"""The task that builds a project's generated document; imported by ``ProjectsConfig.ready``."""

from celery import shared_task

from projects.documents import jobs


@shared_task(name="projects.render_document", soft_time_limit=5 * 60, time_limit=6 * 60)
def render_document_task(render_id: int) -> str:
    """Build one generated document (CSC or award report); one already built is kept."""
    return jobs.document_render_run(render_id=render_id)
