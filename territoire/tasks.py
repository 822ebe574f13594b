import os

from celery import shared_task

from territoire import exports, queueing
from territoire.services import platform_selfcheck, pst_import_analyse

# Reading a 25 MB spreadsheet takes well under a minute; past these limits the file is refused (soft limit)
# or the worker process is killed (hard limit) and the screen expires the import later.
PST_ANALYSIS_SOFT_TIME_LIMIT = 5 * 60
PST_ANALYSIS_TIME_LIMIT = PST_ANALYSIS_SOFT_TIME_LIMIT + 30


@shared_task(name="territoire.selfcheck")
def selfcheck_task() -> dict:
    """Prove the background path end to end: database, worker process and PDF engine."""
    return {**platform_selfcheck(), "pid": os.getpid()}


@shared_task(
    name="territoire.pst_import_analyse",
    soft_time_limit=PST_ANALYSIS_SOFT_TIME_LIMIT,
    time_limit=PST_ANALYSIS_TIME_LIMIT,
)
def pst_import_analyse_task(import_id: int) -> str:
    """Read an uploaded PST file and store its preview; returns the import's status."""
    return pst_import_analyse(import_id=import_id).status


@shared_task(name="territoire.export_run", soft_time_limit=exports.SOFT_TIME_LIMIT, time_limit=exports.TIME_LIMIT)
def export_run_task(job_id: int) -> str:
    """Build one export job's file (``territoire.exports.export_job_run``); a job already done is kept."""
    return exports.export_job_run(job_id=job_id)


@shared_task(name="territoire.resend_unsent", ignore_result=True)
def resend_unsent_task() -> int:
    """Every minute (beat): send again the tasks the broker refused while it was down (``territoire.queueing``)."""
    return queueing.resend_unsent()
