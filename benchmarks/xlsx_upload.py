"""Benchmark: a hostile XLSX through the import service.

Builds a node in a temporary folder (``liaison init``), writes an XLSX of ``--rows`` rows
(1,000,000 by default) that is small on disk and large once expanded (the sheet XML is
streamed into the zip, so building it needs little memory), then runs
``liaison.crime.importer.run_import`` on it (preview mode, as the import page does) in a
fresh process per scenario and reports the seconds until the import is refused and the
process's peak resident memory (``ru_maxrss``), with the resident memory just before the
import for comparison:

* ``defaults``: the node's settings; the expanded-XML limit refuses the file before it is
  parsed;
* ``row_limit``: the XML limit lifted; the streaming reader refuses the file at the row limit
  (IMPORT_MAX_ROWS + 1);
* ``unbounded`` (only with ``--unbounded``): every limit lifted, as before the limits existed.

Prints one JSON object and writes ``benchmarks/results/xlsx_upload.json``.

    python benchmarks/xlsx_upload.py [--rows 1000000] [--unbounded]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
#: One case row, repeated: the case_ref repeats, which the checks would report, but the
#: limits refuse the file before any row is checked.
ROW = ("NA-2024-000001", "2024-03-05", "VN-22", "Kỳ Sơn", "Nậm Cắn", "Vận chuyển heroin", "")
HEADER = ("case_ref", "detected_on", "province", "district", "commune", "summary", "joint_case_ref")

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="cases" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def _cell(text: str) -> str:
    # No ``r`` attribute (optional in SpreadsheetML): every data row is the same bytes, so
    # the sheet compresses as a zip bomb does.
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def build_xlsx(path: Path, rows: int) -> dict[str, int]:
    """An XLSX with a header and ``rows`` case rows; its sizes on disk and expanded."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, text in _PARTS.items():
            z.writestr(name, text)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            sheet.write(("<row>" + "".join(_cell(h) for h in HEADER) + "</row>").encode())
            row = "<row>" + "".join(_cell(v) for v in ROW) + "</row>"
            block = (row * 10_000).encode()
            for _ in range(rows // 10_000):
                sheet.write(block)
            sheet.write((row * (rows % 10_000)).encode())
            sheet.write(b"</sheetData></worksheet>")
    with zipfile.ZipFile(path) as z:
        expanded = sum(i.file_size for i in z.infolist())
    return {"bytes_on_disk": path.stat().st_size, "bytes_expanded": expanded}


def _rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(file: Path, scenario: str) -> dict[str, Any]:
    """In this (fresh) process: run the import service on ``file`` under ``scenario``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    from liaison.crime.importer import ImportFailed, run_import

    if scenario in ("row_limit", "unbounded"):
        settings.IMPORT_MAX_XML_BYTES = 1 << 62
    if scenario == "unbounded":
        settings.IMPORT_MAX_ROWS = 1 << 62
    data = file.read_bytes()
    before = _rss_mb()
    cpu = time.process_time()
    started = time.perf_counter()
    try:
        report = run_import([("cases", file.name, data)], save=False)
        outcome = f"accepted {report.files[0].rows} rows"
    except ImportFailed as exc:
        problems = exc.report.problems
        outcome = str(problems[0]) if len(problems) == 1 else f"{len(problems)} problems"
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    return {
        "scenario": scenario,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "peak_rss_mb": round(_rss_mb(), 1),
        "rss_before_import_mb": round(before, 1),
        "outcome": outcome,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--unbounded", action="store_true", help="also run with no limits")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--scenario", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure), args.scenario)))
        return
    work = Path(tempfile.mkdtemp(prefix="liaison-xlsx-"))
    try:
        env = {k: v for k, v in os.environ.items() if k != "LIAISON_DATABASE_URL"}
        env.update({"LIAISON_HOME": str(work / "home"), "LIAISON_FAST_HASHER": "1"})
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "liaison.cli", "init", "--country", "VN", "--name", "XLSX"],
            env=env,
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        file = work / "cases.xlsx"
        started = time.perf_counter()
        sizes = build_xlsx(file, args.rows)
        built = time.perf_counter() - started
        scenarios = ["defaults", "row_limit"] + (["unbounded"] if args.unbounded else [])
        runs = []
        for scenario in scenarios:
            done = subprocess.run(  # noqa: S603
                [sys.executable, __file__, "--measure", str(file), "--scenario", scenario],
                env=env,
                check=True,
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        result = {
            "rows": args.rows,
            **sizes,
            "build_seconds": round(built, 1),
            "runs": runs,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        }
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "xlsx_upload.json").write_text(json.dumps(result, indent=2) + "\n")
        print(json.dumps(result, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
