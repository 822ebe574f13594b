"""Import a commune's PST from a file, as the import screen does (automatic column mapping).

    python manage.py pst_import --commune 61099 pst.xlsx [--dry-run] [--format json]
        [--legislature 2024-2030] [--entity commune|cpas]

Prints the preview counts and the errors; exits with status 1 when the file is refused (nothing written)
and writes nothing with --dry-run.
"""

import json
import re
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError

from territoire import services
from territoire.models import Commune, PSTEntity, PSTImport
from territoire.pst.forms import default_legislature


class Command(BaseCommand):
    help = "Importe le PST d'une commune depuis un fichier CSV, XLSX, ODS ou XML eComptes."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier du PST (CSV, XLSX, ODS ou XML eComptes 201805V1).")
        parser.add_argument("--commune", required=True, help="Code INS (ou INSEE) de la commune.")
        parser.add_argument("--dry-run", action="store_true", help="Lire et valider sans rien enregistrer.")
        parser.add_argument("--format", choices=["text", "json"], default="text", dest="output")
        parser.add_argument("--legislature", default=default_legislature(), help="Par exemple 2024-2030.")
        parser.add_argument("--entity", choices=PSTEntity.values, default=PSTEntity.COMMUNE)

    def handle(self, *args, file, commune, dry_run, output, legislature, entity, **options):
        try:
            commune_obj = Commune.objects.get(code=commune)
        except Commune.DoesNotExist:
            raise CommandError(f"Aucune commune n'a le code {commune}.") from None
        match = re.fullmatch(r"(\d{4})-(\d{4})", legislature)
        if not match:
            raise CommandError("La législature s'écrit 2024-2030.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        data = path.read_bytes()
        kwargs = {"commune": commune_obj, "start_year": int(match[1]), "end_year": int(match[2]), "entity": entity}
        if dry_run:
            # The same reading and validation as the screen, without storing the file or an import row.
            preview = services.pst_preview(data=data, name=path.name, **kwargs)
        else:
            pst_import = services.pst_import_preview(file=ContentFile(data, name=path.name), by=None, **kwargs)
            if pst_import.status == PSTImport.Status.PREVIEW:
                pst_import = services.pst_import_confirm(pst_import=pst_import, by=None)
            preview = {f: getattr(pst_import, f) for f in ("start_year", "end_year", "counts", "errors", "payload")}
            preview["status"] = pst_import.status
        refused = preview["status"] == PSTImport.Status.REFUSED
        counts = preview["counts"]
        report = {
            "commune": commune_obj.code,
            "file": path.name,
            "legislature": f"{preview['start_year']}-{preview['end_year']}",
            "status": "refused" if refused else "dry-run" if dry_run else "imported",
            **{
                key: counts.get(key, 0)
                for key in ("os", "oo", "actions", "created", "updated", "unchanged", "removed")
            },
            "errors": preview["errors"],
            "warnings": preview["payload"].get("warnings", []),
        }
        if output == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            self._print_text(report)
        if refused:
            raise CommandError("Fichier refusé : rien n'a été enregistré.", returncode=1)

    def _print_text(self, report):
        self.stdout.write(
            f"{report['file']} → {report['commune']} (PST {report['legislature']}) : "
            f"{report['os']} OS, {report['oo']} OO, {report['actions']} actions lus ; "
            f"{report['created']} à créer, {report['updated']} à mettre à jour, {report['unchanged']} inchangés, "
            f"{report['removed']} à retirer."
        )
        for warning in report["warnings"]:
            self.stdout.write(self.style.WARNING(f"Attention : {warning}"))
        for error in report["errors"]:
            where = f"ligne {error['row']}" if error["row"] else "fichier"
            column = f", colonne « {error['column']} »" if error["column"] else ""
            self.stderr.write(f"Erreur ({where}{column}) : {error['message']}")
        status = {"refused": "refusé", "dry-run": "rien n'est enregistré (--dry-run)", "imported": "importé"}
        self.stdout.write(self.style.SUCCESS(f"Statut : {status[report['status']]}."))
