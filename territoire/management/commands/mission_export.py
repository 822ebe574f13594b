"""Write one mission, its commune and their files to a zip archive that ``mission_import`` loads elsewhere."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from territoire.mission_archive import MissionArchiveError, mission_export
from territoire.models import Mission


class Command(BaseCommand):
    help = (
        "Exporte une mission et sa commune (données, historique, utilisateurs concernés et fichiers) "
        "dans une archive .zip."
    )

    def add_arguments(self, parser):
        parser.add_argument("mission", type=int, help="identifiant de la mission")
        parser.add_argument("output", help="archive .zip à écrire")

    def handle(self, *args, mission, output, **options):
        path = Path(output)
        if path.exists():
            raise CommandError(f"{path} existe déjà : choisissez un autre nom.")
        if not path.parent.is_dir():
            raise CommandError(f"Le dossier {path.parent} n'existe pas.")
        found = Mission.objects.select_related("commune").filter(pk=mission).first()
        if found is None:
            raise CommandError(f"La mission {mission} n'existe pas.")
        try:
            manifest = mission_export(mission=found, output=path)
        except MissionArchiveError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Export écrit : {path} (mission « {found} », commune {found.commune}, "
            f"{sum(manifest['counts'].values())} lignes, {len(manifest['files'])} fichiers)."
        )
