"""Put back a backup written by ``manage.py backup``: the whole database, then every archived file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from territoire.backup import BackupError, backup_read_manifest, backup_restore


class Command(BaseCommand):
    help = "Restaure une sauvegarde de `manage.py backup` : remplace toute la base et remet les fichiers."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="archive .tar écrite par manage.py backup")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="ne pas demander confirmation"
        )

    def handle(self, *args, archive, interactive, **options):
        path = Path(archive)
        try:
            manifest = backup_read_manifest(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Sauvegarde du {manifest['created_at']} : base {manifest['engine']}, {manifest['files']} fichier(s)."
        )
        if interactive:
            answer = input(
                f"Toute la base {connection.settings_dict['NAME']} sera remplacée par celle de la sauvegarde. "
                "Tapez « oui » pour continuer : "
            )
            if answer.strip().lower() != "oui":
                raise CommandError("Restauration annulée : rien n'a été modifié.")
        try:
            backup_restore(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            "Restauration terminée. Lancez `manage.py migrate` si le code est plus récent que la sauvegarde."
        )
