"""Sending Celery tasks so that a broker outage (Redis down) never fails a request.

``send_on_commit(task, *ids)`` hands a task to the broker once the transaction commits. When Redis cannot be
reached, sending raises (``BROKER_UNREACHABLE``: kombu's ``OperationalError`` once its publish retries are spent,
what a real Redis killed gives in tests/operations/test_faults.py). That happens after the commit: let through, it
would answer a 500 for a job that is recorded but never run. Instead the refusal is logged and the task kept in the
``UnsentTask`` table; the job keeps its waiting state (pending, analysing, invitations not sent…), the page says
``UNAVAILABLE`` (``is_unsent``, ``warn_if_unsent``), and ``resend_unsent`` sends the tasks again once the broker
answers (the ``territoire.resend_unsent`` beat task, every minute).

Each row is claimed by deleting it, one ``DELETE`` whose row count says which caller won, so two overlapping runs
never send the same task twice; a task refused again goes back to the table. The tasks sent this way take ids and
are idempotent (they claim their own rows: invitations, notifications; a job done is left alone).

The final report keeps its waiting state on its own row, shown and polled by its page: it passes ``on_refused``
(``roadmap.report.pipeline``) and resends its versions itself.
"""

import json
import logging
from collections.abc import Callable

from django.contrib import messages
from django.db import transaction
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError

from territoire.cache import UNREACHABLE as REDIS_UNREACHABLE
from territoire.models import UnsentTask

logger = logging.getLogger(__name__)

# What ``.delay`` / ``.apply_async`` raise when the broker (or the result backend on the same Redis) is down; the
# built-in ConnectionError (refused, reset) in case a socket error gets through unwrapped.
BROKER_UNREACHABLE = (OperationalError, *REDIS_UNREACHABLE, ConnectionError)

UNAVAILABLE = gettext_lazy(
    "Le service de traitement est momentanément indisponible : votre demande est enregistrée et partira dès son "
    "retour."
)


def _args(args) -> str:
    return json.dumps(list(args), separators=(",", ":"))


def send(task, *args, on_refused: Callable[[], object] | None = None, countdown: float | None = None) -> bool:
    """Hand ``task(*args)`` to the broker now (to run ``countdown`` seconds later, if given); False if it refused.
    The refused task is kept for ``resend_unsent``, or, with ``on_refused``, left to the caller, which records it on
    its own row (or lets it go: a task whose work is done anyway when needed)."""
    try:
        # The job's row says how it went: no result is asked of the backend. Else sending would subscribe to the
        # Redis result backend first, which, Redis down, retries for some twenty seconds and then raises a
        # RuntimeError rather than the broker's error (celery/backends/asynchronous.py, reconnect_on_error).
        task.apply_async(args, ignore_result=True, countdown=countdown)
    except BROKER_UNREACHABLE as error:
        logger.warning("task_unsent task=%s args=%s error=%r", task.name, _args(args), error)
        if on_refused is not None:
            on_refused()
        else:
            UnsentTask.objects.get_or_create(name=task.name, args=_args(args), defaults={"error": repr(error)})
        return False
    return True


def send_on_commit(task, *args) -> None:
    """Send ``task(*args)`` once the current transaction commits (never if it rolls back); see ``send``."""
    transaction.on_commit(lambda: send(task, *args))


def is_unsent(task, *args) -> bool:
    """Whether ``task(*args)`` waits for the broker to come back. ``task`` is the task itself, never its name: a
    renamed task then breaks at import, not by silently finding nothing."""
    return UnsentTask.objects.filter(name=task.name, args=_args(args)).exists()


def warn_if_unsent(request, task, *args) -> bool:
    """Tell the person that their request waits for the broker, if it does; True then."""
    if not is_unsent(task, *args):
        return False
    messages.warning(request, UNAVAILABLE)
    return True


def resend_unsent() -> int:
    """Send again every task the broker refused, oldest first; returns how many went. Stops at the first refusal:
    the broker is still down and the rest waits for the next call."""
    from territoire.celery import app

    app.loader.import_default_modules()  # every app's tasks registered, also in a web process (autodiscovery)
    sent = 0
    for pk, name, args in UnsentTask.objects.order_by("pk").values_list("pk", "name", "args"):
        claimed, _deleted = UnsentTask.objects.filter(pk=pk).delete()
        if not claimed:
            continue  # another run took it
        task = app.tasks.get(name)
        if task is None:  # a task renamed or removed since: nothing can run it
            logger.error("task_unsent_unknown task=%s args=%s", name, args)
            continue
        if not send(task, *json.loads(args)):
            break
        logger.info("task_resent task=%s args=%s", name, args)
        sent += 1
    return sent
