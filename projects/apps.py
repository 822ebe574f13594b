from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projets (AMO)")

    def ready(self):
        from territoire import reference_data

        reference_data.register(
            self,
            migration="projects.migrations.0003_phases",
            function="seed_questions",
            model="projects.ChecklistQuestion",
        )
        reference_data.register(
            self,
            migration="projects.migrations.0004_specifications_procurement",
            function="seed_thresholds",
            model="projects.ProcurementThreshold",
        )
        # Celery autodiscovers ``tasks.py`` only; the phase notification lives in its own module.
        from projects import tasks_phases  # noqa: F401

        # The document renders' task lives with its renderers (projects/documents), not in projects/tasks.py.
        from projects.documents import tasks  # noqa: F401
