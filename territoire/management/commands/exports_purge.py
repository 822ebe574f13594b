"""Delete the export jobs older than a week, and their files (run it daily, e.g. from cron)."""

from django.core.management.base import BaseCommand, CommandError

from territoire.exports import KEEP_DAYS, export_jobs_purge


class Command(BaseCommand):
    help = "Supprime les exports (et leurs fichiers) de plus de 7 jours."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=KEEP_DAYS, help="âge minimal en jours (7 par défaut)")

    def handle(self, *args, days, **options):
        if days < 0:
            raise CommandError("--days doit être positif ou nul.")
        count = export_jobs_purge(days=days)
        self.stdout.write(f"{count} export(s) supprimé(s).")
