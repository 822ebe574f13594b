"""The Celery app, and one ``key=value`` log line per task (name, id, state, duration, arguments)."""

import logging
import os
import time

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territoire.settings")

app = Celery("territoire")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Tasks that render PDFs (WeasyPrint: seconds of CPU, hundreds of MB) besides those whose name has the
# word "render" (``roadmap.report_render``, ``projects.render_award``).
PDF_TASKS = {"territoire.selfcheck"}


def route_task(name, args, kwargs, options, task=None, **kw):
    """PDF rendering goes to the ``pdf`` queue (its own worker); mails and short tasks to the default one.

    Read when each task is sent, so that a test worker on private queues gets them all.
    """
    if name in PDF_TASKS or "render" in name.rpartition(".")[2].split("_"):
        return {"queue": app.conf.pdf_queue}
    return None


task_log = logging.getLogger("territoire.task")
_started: dict[str, float] = {}


@task_prerun.connect
def _task_started(task_id=None, **kwargs):
    _started[task_id] = time.monotonic()


@task_postrun.connect
def _task_finished(task_id=None, task=None, args=None, kwargs=None, state=None, **extra):
    started = _started.pop(task_id, None)
    duration = (time.monotonic() - started) * 1000 if started is not None else -1
    # Tasks take ids (never model instances), so their arguments name the objects without leaking data.
    task_log.info(
        "task name=%s id=%s state=%s duration_ms=%d args=%s kwargs=%s",
        task.name if task else "-",
        task_id,
        state,
        duration,
        list(args or ()),
        dict(kwargs or {}),
    )
