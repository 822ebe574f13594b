"""Reference data that data migrations seed (funding calls and sheet templates, the built-in interview guide,
the SPMM checklists, the procurement thresholds) comes back after a flush.

``manage.py flush`` — and every transactional test (browser tests, the live server), which flushes the database
when it ends — empties every table, data migrations' rows included, then sends ``post_migrate``. An app registers
its seed here from ``AppConfig.ready``; when its model's table is empty after a migrate or a flush, the
migration's own seed function runs again (each is idempotent). A table an operator has trimmed but not emptied is
left as it is.
"""

import importlib
import logging

from django.db.models.signals import post_migrate

logger = logging.getLogger(__name__)


def register(app_config, *, migration: str, function: str, model: str) -> None:
    """Run ``migration.function(apps, None)`` after each migrate or flush that leaves ``model`` empty."""

    def reseed(sender, apps=None, using="default", **kwargs):
        from django.apps import apps as global_apps

        registry = apps or global_apps
        try:
            model_class = registry.get_model(model)
        except LookupError:  # migrating backwards: the table is gone
            return
        if model_class._default_manager.using(using).exists():
            return
        getattr(importlib.import_module(migration), function)(registry, None)
        logger.info("reference_data_seeded model=%s", model)

    post_migrate.connect(reseed, sender=app_config, weak=False, dispatch_uid=f"reference-data-{model}")
