"""House rules that a machine can check: ruff lint and format (see STYLE.md, rule 14)."""

import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def ruff(*args):
    exe = shutil.which("ruff") or str(ROOT / ".venv" / "bin" / "ruff")
    return subprocess.run([exe, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not (shutil.which("ruff") or (ROOT / ".venv/bin/ruff").exists()), reason="ruff not installed")
def test_ruff_lint_is_clean():
    result = ruff("check", ".")
    assert result.returncode == 0, result.stdout


@pytest.mark.skipif(not (shutil.which("ruff") or (ROOT / ".venv/bin/ruff").exists()), reason="ruff not installed")
def test_ruff_format_is_clean():
    result = ruff("format", "--check", ".")
    assert result.returncode == 0, result.stdout


def test_python_is_311():
    assert sys.version_info[:2] == (3, 11)


@pytest.mark.skipif(not (ROOT / ".venv/bin/djlint").exists() and not shutil.which("djlint"), reason="djlint missing")
def test_templates_pass_djlint():
    exe = shutil.which("djlint") or str(ROOT / ".venv" / "bin" / "djlint")
    result = subprocess.run([exe, "--lint", "templates"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
