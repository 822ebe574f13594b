from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosticsConfig(AppConfig):
    name = "diagnostics"
    verbose_name = _("Diagnostic")

    def ready(self):
        from diagnostics.exports import register_exports
        from diagnostics.selectors import respond  # noqa: F401 (receivers: a structural edit bumps the version)

        register_exports()
