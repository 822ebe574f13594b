"""Print a mission's ranking with the same selector as the ranking page (for operators and benchmarks).

    python manage.py roadmap_rank --mission 12 [--format text|json] [--draws 1000] [--top-k 3]

Ranking with totals, priority classes, TOPSIS rank, rank acceptability and top-k probability (robustness),
sheets not yet ranked, unresolved disagreements, blocked sheets, and the schedule of the timeline page
(placements with their reasons, budget per year); ``--format json`` for programs.
"""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from roadmap.selectors.ranking import mission_ranking
from roadmap.selectors.timeline import mission_timeline
from territoire.models import Mission


class Command(BaseCommand):
    help = "Affiche le classement des fiches d'une mission (total, classes, robustesse, TOPSIS)."

    def add_arguments(self, parser):
        parser.add_argument("--mission", required=True, type=int, help="Identifiant de la mission.")
        parser.add_argument("--format", choices=["text", "json"], default="text", dest="output")
        parser.add_argument("--draws", type=int, default=1000, help="Tirages de poids pour la robustesse.")
        parser.add_argument("--top-k", type=int, default=3, dest="top_k", help="Taille du « top » de la robustesse.")

    def handle(self, *args, mission, output, draws, top_k, **options):
        if draws < 1 or top_k < 1:
            raise CommandError("--draws et --top-k doivent être des entiers strictement positifs.")
        mission_obj = Mission.objects.filter(pk=mission).select_related("commune").first()
        if mission_obj is None:
            raise CommandError(f"Aucune mission n'a l'identifiant {mission}.")
        started = time.perf_counter()
        result = mission_ranking(mission_obj, draws=draws, top_k=top_k)
        timeline = mission_timeline(mission_obj)
        elapsed = time.perf_counter() - started
        if output == "json":
            report = result.as_dict()
            report["schedule"] = timeline.as_dict()
            report["seconds"] = round(elapsed, 3)
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        self._text(result, elapsed)
        self._schedule(timeline)

    def _schedule(self, timeline):
        write = self.stdout.write
        if timeline.error:
            write(f"Planning : {timeline.error}")
            return
        if not timeline.rows:
            return
        write("")
        write(f"Planning ({'fiches proposées' if timeline.proposed_only else 'fiches retenues'}) :")
        for row in timeline.rows:
            placement = row.placement
            when = f"{placement.start} – {placement.end}" if placement.scheduled else "non planifiée"
            write(f"  {row.sheet.code:<10} {when:<20} {placement.reason}")
        for year in timeline.years:
            envelope = "—" if year.envelope is None else f"{year.envelope}"
            write(f"  {year.year} : net {year.net} (enveloppe {envelope})")

    def _text(self, result, elapsed):
        write = self.stdout.write
        write(f"Mission {result.mission.pk} — {result.mission.title} ({result.mission.commune.name})")
        if result.error:
            write(result.error)
            return
        write(f"Critères : {', '.join(f'{c.label} ({c.weight})' for c in result.criteria)}")
        write(f"Seuils des classes : {' / '.join(f'{t:g}' for t in result.thresholds)}")
        write("")
        write(
            f"{'rang':>4}  {'fiche':<10} {'total':>6}  {'classe':>6}  {'TOPSIS':>6}  top {result.top_k:<3}  robustesse"
        )
        for r in result.ranked:
            write(
                f"{r.rank:>4}  {r.sheet.code:<10} {r.total:>6.1f}  {r.priority:>6}  {r.topsis_rank:>6}  "
                f"{r.top_k_percent:>5} %  {r.badge}"
            )
        if result.ranked:
            write("")
            write("Acceptabilité des rangs (part des tirages à chaque rang) :")
            for r in result.ranked:
                shares = " ".join(f"{p:.2f}" for p in r.acceptability)
                write(f"  {r.sheet.code:<10} {shares}")
        for i in result.incomplete:
            waiting = ", ".join(i.waiting_for)
            write(f"Non classée : {i.sheet.code} ({i.missing} cellule(s) sans note ; en attente de {waiting})")
        for d in result.unresolved:
            write(f"Désaccord : {d.sheet.code} · {d.criterion.label} (écart {d.spread:g})")
        for m in result.method_disagreements:
            write(f"Méthodes : {m.sheet} : {m.reason}")
        for b in result.blocked:
            write(f"Bloquée : {b.sheet} attend {b.prerequisite}")
        write(f"Calculé en {elapsed:.3f} s ({result.draws} tirages).")
