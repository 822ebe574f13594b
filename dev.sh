#!/usr/bin/env bash
# Territoire's two entry points on a fresh Debian 12 machine:
#   ./dev.sh demo   install, migrate, load the demo data, serve http://127.0.0.1:8000
#   ./dev.sh test   install (with test tools, chromium for browser tests) and run the whole test suite
# Extra arguments after "test" go to pytest. Set PYTHON to choose the interpreter (default python3).
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
RUNTIME_DEBS="python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-color-emoji graphviz"
TEST_DEBS="chromium chromium-l10n poppler-utils gettext"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

apt_install() {
  # Install the Debian packages that are missing, as root or through sudo.
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "These Debian packages are missing: ${missing[*]}" >&2
      echo "Ask an administrator to run:  apt-get install --no-install-recommends ${missing[*]}" >&2
      exit 1
    fi
    # sudo drops the environment: pass DEBIAN_FRONTEND through it explicitly.
    sudo=(sudo)
  fi
  say "Installing Debian packages: ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

venv_install() {
  # Install the Python dependencies, unless the venv already has exactly this lock file and extras
  # (a hash kept in the venv): a second ./dev.sh call starts at once.
  local extras=$1
  if [ ! -x "$VENV/bin/python" ]; then
    say "Creating the virtual environment in $VENV"
    "$PYTHON" -m venv "$VENV"
  fi
  local stamp="$VENV/.territoire-installed"
  local wanted
  wanted="$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1) extras=${extras}"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    return 0
  fi
  say "Installing Python dependencies"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -c requirements.lock -e ".${extras}"
  echo "$wanted" >"$stamp"
}

case "${1:-}" in
  demo)
    apt_install $RUNTIME_DEBS
    venv_install ""
    "$VENV/bin/python" manage.py migrate --noinput -v0
    "$VENV/bin/python" manage.py seed_demo
    say "Territoire runs on http://127.0.0.1:8000 (Ctrl+C to stop)"
    exec "$VENV/bin/python" manage.py runserver 127.0.0.1:8000
    ;;
  test)
    shift
    apt_install $RUNTIME_DEBS $TEST_DEBS
    venv_install "[dev]"
    export DJANGO_ALLOW_ASYNC_UNSAFE=true
    if [ "${CI:-}" = "true" ] && [ "${PIP_AUDIT:-1}" != "0" ]; then
      # Known vulnerabilities in the pinned dependencies fail CI. It asks pypi.org for each pinned version (a
      # network call), so local runs skip it; PIP_AUDIT=0 skips it in CI too. A package the service cannot
      # answer for (a mirror without PyPI's per-version JSON) is reported as not audited, not as a failure:
      # PIP_AUDIT_STRICT=1 makes that fail too. Every ignored advisory is in .pip-audit-ignore with its reason.
      say "Auditing requirements.lock (pip-audit)"
      ignores=()
      while read -r id _; do
        ignores+=(--ignore-vuln "$id")
      done < <(grep -v -e '^#' -e '^[[:space:]]*$' .pip-audit-ignore)
      strict=()
      [ "${PIP_AUDIT_STRICT:-0}" = "1" ] && strict=(--strict)
      "$VENV/bin/pip-audit" --vulnerability-service pypi --requirement requirements.lock --no-deps --disable-pip \
        --progress-spinner off ${strict[@]+"${strict[@]}"} ${ignores[@]+"${ignores[@]}"}
    fi
    if [ $# -eq 0 ]; then
      # The whole suite: one process per core (pytest-xdist, a test file at a time per process, each process on its
      # own test database); TEST_WORKERS=0 runs it in this one process. CI also lists the slowest tests.
      set -- -n "${TEST_WORKERS:-auto}" --dist loadfile
      [ -n "${CI:-}" ] && set -- "$@" --durations=25
    fi
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  messages)
    # Refresh the French catalogue after adding strings. French is the source language: each
    # untranslated entry gets its msgid as translation (msgen) so French plural rules apply.
    apt_install gettext
    po=locale/fr/LC_MESSAGES/django.po
    "$VENV/bin/python" manage.py makemessages -l fr --no-obsolete --no-location --no-wrap \
      --ignore=.venv --ignore=test-results --ignore=staticfiles --ignore=tests --ignore=benchmarks
    # The header of a new catalogue is marked fuzzy: unmark it (only it) so its Plural-Forms count.
    sed -i '/^#, fuzzy$/{N;s/^#, fuzzy\nmsgid ""$/msgid ""/}' "$po"
    # makemessages guesses "fuzzy" translations from similar strings; French needs none of them.
    msgattrib --clear-fuzzy --clear-previous --empty --no-wrap "$po" -o "$po"
    msgen --no-wrap "$po" -o "$po"
    "$VENV/bin/python" manage.py compilemessages -l fr --ignore=.venv
    ;;
  *)
    echo "usage: ./dev.sh demo | ./dev.sh test [pytest arguments] | ./dev.sh messages" >&2
    exit 2
    ;;
esac
