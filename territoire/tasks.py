import os

from celery import shared_task

from territoire import exports
from territoire.services import platform_selfcheck


@shared_task(name="territoire.selfcheck")
def selfcheck_task() -> dict:
    """Prove the background path end to end: database, worker process and PDF engine."""
    return {**platform_selfcheck(), "pid": os.getpid()}


@shared_task(name="territoire.export_run", soft_time_limit=exports.SOFT_TIME_LIMIT, time_limit=exports.TIME_LIMIT)
def export_run_task(job_id: int) -> str:
    """Build one export job's file (``territoire.exports.export_job_run``); a job already done is kept."""
    return exports.export_job_run(job_id=job_id)
