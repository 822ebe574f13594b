"""Count the submitted answers of every campaign (or of one questionnaire's) again into the results' tallies."""

from django.core.management.base import BaseCommand

from diagnostics.models import Campaign
from diagnostics.services.results import result_tally_rebuild


class Command(BaseCommand):
    help = "Recompte les réponses envoyées dans les totaux que lit la page des résultats."

    def add_arguments(self, parser):
        parser.add_argument("--questionnaire", type=int, help="seulement les campagnes de ce questionnaire")

    def handle(self, *args, questionnaire=None, **options):
        campaigns = Campaign.objects.order_by("pk")
        if questionnaire:
            campaigns = campaigns.filter(questionnaire_id=questionnaire)
        ids = list(campaigns.values_list("pk", flat=True))
        tallies = 0
        for start in range(0, len(ids), 20):  # a few campaigns per transaction: short locks
            tallies += result_tally_rebuild(campaign_ids=ids[start : start + 20])
        self.stdout.write(f"{len(ids)} campaigns, {tallies} tallies.")
