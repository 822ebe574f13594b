import os

from celery import shared_task

from territoire.services import platform_selfcheck


@shared_task(name="territoire.selfcheck")
def selfcheck_task() -> dict:
    """Prove the background path end to end: database, worker process and PDF engine."""
    return {**platform_selfcheck(), "pid": os.getpid()}
