from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from territoire.demo import DEMO_PASSWORD, LOGINS, DemoContext

PROJECT_APPS = ("territoire", "diagnostics", "roadmap", "projects")


class Command(BaseCommand):
    help = "Crée (ou remet à jour) les données de démonstration : communes, comptes, missions."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=["small", "large"], default="small")
        parser.add_argument(
            "--force", action="store_true", help="Accepter de créer des comptes de démonstration hors mode DEBUG."
        )

    def handle(self, *args, size, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo crée des comptes au mot de passe connu : il refuse de tourner en production sans --force."
            )
        ctx = DemoContext(size=size, stdout=self.stdout)
        for config in apps.get_app_configs():
            if config.name in PROJECT_APPS and find_spec(f"{config.name}.demo"):
                import_module(f"{config.name}.demo").seed(ctx)
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        self.stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        for username, what in LOGINS:
            self.stdout.write(f"  {username:<15} {what}")
