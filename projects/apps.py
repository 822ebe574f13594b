from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projets (AMO)")

    def ready(self):
        # Celery autodiscovers ``tasks.py`` only; the phase notification lives in its own module.
        from projects import tasks_phases  # noqa: F401
