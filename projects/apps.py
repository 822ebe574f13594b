from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projets (AMO)")

    def ready(self):
        # The document renders' task lives with its renderers (projects/documents), not in projects/tasks.py.
        from projects.documents import tasks  # noqa: F401
