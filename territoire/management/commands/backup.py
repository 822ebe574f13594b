"""Save the database and every stored file (local folder or bucket) to one archive (run it daily)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from territoire.backup import BackupError, backup_write


class Command(BaseCommand):
    help = "Sauvegarde la base (SQLite ou PostgreSQL) et tous les fichiers déposés dans une archive .tar."

    def add_arguments(self, parser):
        parser.add_argument(
            "output",
            nargs="?",
            help="archive à écrire, ou dossier où l'écrire (par défaut territoire-AAAAMMJJ-HHMMSS.tar ici)",
        )

    def handle(self, *args, output, **options):
        name = f"territoire-{timezone.localtime():%Y%m%d-%H%M%S}.tar"
        path = Path(output) if output else Path(name)
        if path.is_dir():
            path = path / name
        if path.exists():
            raise CommandError(f"{path} existe déjà : choisissez un autre nom.")
        if not path.parent.is_dir():
            raise CommandError(f"Le dossier {path.parent} n'existe pas.")
        try:
            manifest = backup_write(output=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Sauvegarde écrite : {path} (base {manifest['engine']}, {manifest['files']} fichier(s), "
            f"{manifest['bytes']} octets)."
        )
