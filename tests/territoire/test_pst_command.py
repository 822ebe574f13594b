"""``manage.py pst_import``: the operators' way to onboard many communes."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from territoire.models import PST, PSTImport, PSTNode
from tests.factories import CommuneFactory
from tests.territoire.pst_files import SAMPLES, action_rows, csv_bytes

EXPECTED = json.loads((SAMPLES / "expected.json").read_text())


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("pst_import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_json_output_gives_counts_and_writes(db, sample):
    commune = CommuneFactory(code="61099")
    out, _ = run("--commune", "61099", str(SAMPLES / sample), "--format", "json")
    report = json.loads(out)
    assert {k: report[k] for k in ("os", "oo", "actions")} == EXPECTED[sample]
    assert report["created"] == sum(EXPECTED[sample].values())
    assert (report["updated"], report["unchanged"], report["errors"]) == (0, 0, [])
    assert PSTNode.objects.filter(pst__commune=commune).count() == report["created"]
    out, _ = run("--commune", "61099", str(SAMPLES / sample), "--format", "json")
    assert json.loads(out)["unchanged"] == report["created"]


def test_dry_run_writes_nothing(db, tmp_path):
    CommuneFactory(code="61099")
    out, _ = run("--commune", "61099", str(SAMPLES / "pst_simple.ods"), "--dry-run", "--format", "json")
    assert json.loads(out)["status"] == "dry-run"
    assert not PST.objects.exists() and not PSTImport.objects.exists() and not PSTNode.objects.exists()


def test_refused_file_exits_non_zero_with_errors(db, tmp_path):
    CommuneFactory(code="61099")
    rows = action_rows(n_os=1, n_oo=1, n_actions=1)
    rows[0][9] = "demain"
    path = tmp_path / "pst.csv"
    path.write_bytes(csv_bytes(rows))
    with pytest.raises(CommandError) as error:
        run("--commune", "61099", str(path), "--format", "json")
    assert error.value.returncode == 1
    assert not PSTNode.objects.exists()


def test_refused_file_prints_row_column_message(db, tmp_path, capsys):
    CommuneFactory(code="61099")
    rows = action_rows(n_os=1, n_oo=1, n_actions=1)
    rows[0][9] = "demain"
    path = tmp_path / "pst.csv"
    path.write_bytes(csv_bytes(rows))
    from io import StringIO

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("pst_import", "--commune", "61099", str(path), "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["errors"] == [
        {"row": 2, "column": "Date de fin", "message": "« demain » n'est pas une date (exemple : 31/12/2025)."}
    ]
    assert report["status"] == "refused"


def test_text_output_and_unknown_commune(db, tmp_path):
    CommuneFactory(code="61099")
    out, _ = run("--commune", "61099", str(SAMPLES / "pst_ecomptes.xml"))
    assert "2 OS, 4 OO, 12 actions lus" in out and "importé" in out
    with pytest.raises(CommandError, match="Aucune commune"):
        run("--commune", "99999", str(SAMPLES / "pst_ecomptes.xml"))
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError):
        run("--commune", "61099", str(empty))
