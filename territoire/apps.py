from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoireConfig(AppConfig):
    name = "territoire"
    verbose_name = _("Territoire : communes et missions")

    def ready(self):
        from territoire.middleware import install_request_id_on_log_records

        install_request_id_on_log_records()
