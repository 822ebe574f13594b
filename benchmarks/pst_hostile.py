"""Hostile PST files: how long each takes to be decided (read or refused) and its peak memory.

    .venv/bin/python benchmarks/pst_hostile.py            # every case, a Markdown table
    .venv/bin/python benchmarks/pst_hostile.py CASE ...   # some cases

Each file is built once in a temporary folder, then read by ``territoire.pst.preview.parse_file`` in a
subprocess of its own: peak memory is that process's ``ru_maxrss`` (C allocations included, which
tracemalloc misses; read as ``VmHWM``, see ``_status_kb``) minus its resident memory before parsing
(Django loaded, file read).
"""

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def cases() -> dict:
    from tests.territoire import pst_hostile_files as h
    from tests.territoire.pst_files import HEADER, action_rows, csv_bytes, xlsx_bytes

    def big_xlsx(sheet):
        sheet.append(HEADER)
        for row in action_rows(10, 10, 190):
            sheet.append(row)

    def styled_empty_cells(rows=15_000, columns=200):
        def chunks():
            yield h.SHEET_OPEN
            for number in range(1, rows + 1):
                cells = "".join(f'<c r="{h._letters(c)}{number}" s="1"/>' for c in range(columns))
                yield f'<row r="{number}">{cells}</row>'.encode()
            yield h.SHEET_CLOSE

        return h.xlsx_with_sheet(chunks())

    big_rows = action_rows(10, 10, 190)
    return {
        "csv, 19 000 actions (valid)": ("csv", lambda: csv_bytes(big_rows)),
        "csv, 100 000 columns": ("csv", lambda: h.csv_columns(100_000)),
        "csv, 25 MB of blank lines under a valid PST": (
            "csv",
            lambda: csv_bytes(action_rows(1, 1, 3)) + b"\r\n" * (12 * 1024 * 1024),
        ),
        "xlsx, 19 000 actions (valid)": ("xlsx", lambda: xlsx_bytes(big_xlsx)),
        "xlsx, zip bomb: sheet of 1 GB": ("xlsx", lambda: h.xlsx_bomb(1024 * 1024 * 1024)),
        "xlsx, ratio bomb: sheet of 90 MB": ("xlsx", lambda: h.xlsx_bomb(90 * 1024 * 1024)),
        "xlsx, 3 million styled empty cells": ("xlsx", lambda: styled_empty_cells()),
        "xlsx, lying dimension (60 actions, claims 2 rows)": ("xlsx", lambda: h.xlsx_lying_dimension()),
        "xlsx, a value in XFD1048576": ("xlsx", lambda: h.xlsx_far_cells()),
        "ods, 19 000 actions (valid)": ("ods", lambda: h.ods_table(big_rows)),
        "ods, a row repeated 10⁹ times": ("ods", lambda: h.ods_repeated_rows(10**9)),
        "ods, a cell repeated 10⁶ times": ("ods", lambda: h.ods_repeated_columns(10**6)),
        "ods, blank tail 10⁹ rows × 10⁹ columns (valid)": ("ods", lambda: h.ods_blank_tail()),
        "ods, 5 million explicit empty cells": ("ods", lambda: h.ods_empty_cells(5_000_000)),
        "ods, zip bomb: content.xml of 1 GB": ("ods", lambda: h.xml_bomb_member(1024 * 1024 * 1024)),
        "xml, 2 million elements": ("xml", lambda: h.xml_elements(2_000_000)),
        "xml, depth 10 000": ("xml", lambda: h.xml_deep(10_000)),
        "xml, billion laughs": ("xml", lambda: h.xml_billion_laughs()),
    }


def _status_kb(field: str) -> int:
    """``VmRSS`` (resident now) or ``VmHWM`` (peak) of this process, in KB.

    ``VmHWM`` is ``ru_maxrss`` without its flaw here: Linux carries ``ru_maxrss`` over from the parent
    through fork and exec (the parent built a big file just before), while ``VmHWM`` starts afresh at exec.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(path: str) -> None:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territoire.settings")
    import django

    django.setup()
    from territoire.pst import PSTFileError
    from territoire.pst.preview import parse_file

    data = Path(path).read_bytes()
    before = _status_kb("VmRSS")
    start, cpu = time.perf_counter(), time.process_time()
    try:
        payload = parse_file(data, Path(path).name)
        outcome = f"read: {len(payload['nodes'])} nodes, {len(payload['errors'])} errors"
    except PSTFileError as error:
        outcome = f"refused: {error}"
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = _status_kb("VmHWM")
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": (peak - before) / 1024, "outcome": outcome}))


def main(selected: list[str]) -> None:
    print("| file | size | decided in (CPU) | peak memory | outcome |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for label, (extension, build) in cases().items():
            if selected and not any(s in label for s in selected):
                continue
            path = Path(folder) / f"pst.{extension}"
            path.write_bytes(build())
            size = path.stat().st_size
            result = subprocess.run(
                [sys.executable, __file__, "--child", str(path)], capture_output=True, text=True, check=True
            )
            measured = json.loads(result.stdout.strip().splitlines()[-1])
            shown = f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"
            timing = f"{measured['seconds']:.2f} s ({measured['cpu']:.2f} s)"
            print(
                f"| {label} | {shown} | {timing} | {measured['peak_mb']:.0f} MB | {measured['outcome'][:110]} |",
                flush=True,
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
    else:
        import os

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territoire.settings")
        import django

        django.setup()
        main(sys.argv[1:])
