"""Render the final report of a mission now, with the same code path as the worker (for operators and benchmarks).

    python manage.py report_render --mission 12 --out rapport.pdf [--user EMAIL]

Creates the mission's next version (snapshot of the data now), renders it synchronously with
``roadmap.report.pipeline.render_version`` (what the Celery task calls), copies the published PDF to ``--out`` and
prints its pages, bytes and seconds. The version stays in the mission's list, as one asked from the page would.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from roadmap.models import ReportStatus
from roadmap.report import pipeline
from territoire import access
from territoire.models import Mission


class Command(BaseCommand):
    help = "Produit le rapport final d'une mission en PDF, tout de suite (même chemin que le worker)."

    def add_arguments(self, parser):
        parser.add_argument("--mission", required=True, type=int, help="Identifiant de la mission.")
        parser.add_argument("--out", required=True, type=Path, help="Fichier PDF à écrire.")
        parser.add_argument(
            "--user", help="Adresse e-mail de l'auteur de la version (par défaut : le premier consultant référent)."
        )

    def handle(self, *args, mission, out, user, **options):
        mission_obj = Mission.objects.filter(pk=mission).select_related("commune").first()
        if mission_obj is None:
            raise CommandError(f"Aucune mission n'a l'identifiant {mission}.")
        author = self._author(mission_obj, user)
        version = pipeline.create_version(mission_obj, user=author)
        result = pipeline.render_version(version.pk)
        version = result.version
        if version.status != ReportStatus.DONE:
            raise CommandError(f"Le rendu de la version {version.number} a échoué : {version.error}")
        with version.file.open("rb") as source:
            out.write_bytes(source.read())
        self.stdout.write(
            f"Version {version.number} — pages : {version.pages}, octets : {version.size}, "
            f"secondes : {result.seconds:.1f}, SHA-256 : {version.sha256} → {out}"
        )

    def _author(self, mission, email):
        if email:
            author = get_user_model().objects.filter(email__iexact=email).first()
            if author is None or not access.can_manage_mission(author, mission):
                raise CommandError(f"{email} n'est pas consultant de la commune de cette mission.")
            return author
        author = mission.referents.order_by("pk").first()
        if author is None:
            raise CommandError("Cette mission n'a pas de consultant référent : précisez --user.")
        return author
