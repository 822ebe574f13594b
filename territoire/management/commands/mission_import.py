"""Load an archive of ``mission_export`` into this (empty) instance: all of it or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from territoire.mission_archive import MissionArchiveError, mission_import


class Command(BaseCommand):
    help = (
        "Importe une archive de mission_export dans une instance qui ne contient ni cette commune ni ses "
        "utilisateurs ; tout ou rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="archive .zip écrite par manage.py mission_export")

    def handle(self, *args, archive, **options):
        try:
            manifest = mission_import(path=Path(archive))
        except MissionArchiveError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Import terminé : commune {manifest['commune']['name']}, mission {manifest['mission']}, "
            f"{sum(manifest['counts'].values())} lignes, {len(manifest['files'])} fichiers."
        )
