from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosticsConfig(AppConfig):
    name = "diagnostics"
    verbose_name = _("Diagnostic")

    def ready(self):
        from diagnostics.exports import register_exports
        from diagnostics.selectors import respond  # noqa: F401 (receivers: a structural edit bumps the version)
        from diagnostics.selectors.cockpit import diagnostic_parts, diagnostic_todos
        from territoire import cockpit, reference_data

        register_exports()
        reference_data.register(
            self,
            migration="diagnostics.migrations.0004_integrity_of_deletes",
            function="seed_builtin_guide",
            model="diagnostics.InterviewGuide",
        )
        cockpit.register_parts(diagnostic_parts)
        cockpit.register_todos(diagnostic_todos)
