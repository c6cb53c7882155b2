"""Cards benchmark (issue 6): kartu peserta for 10,000 workers, documents per second (goal: at least 100/s).

    .venv/bin/python bench/cards.py [--workers N]     (make bench-cards)

On a fresh SQLite file in a temporary directory: regions, Kabupaten Bogor with 40 units, a valid roster of N
workers (bench/generate.py) imported with `import_roster`, an agreement (JKK+JKM) and `enrol`, so N memberships.
Then, timed, the card job as the web and the command line run it (`lindung.documents.jobs`):

1. all cards of the Pemda as one PDF: the cards issued (numbers, signed tokens, content; one transaction),
   written in parts of 500 (one ID-1 page and one vector QR code each) and the parts joined;
2. the same current cards printed again as a zip with one PDF per unit (nothing issued).

Each output is read back: its pages equal N.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import zipfile
from io import BytesIO
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
from harness import maxrss_bytes, say, setup_django  # noqa: E402

EMPLOYER = "32.01"
GOAL = 100.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--workers", type=int, default=10_000)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="lindung-cards-"))
    os.environ.setdefault("LINDUNG_ALLOW_DEV_KEY", "1")
    os.environ["LINDUNG_DATA_DIR"] = str(work / "data")
    setup_django(f"sqlite:///{work / 'cards.sqlite3'}")

    from django.core.management import call_command
    from pypdf import PdfReader

    from lindung.documents.jobs import create_job, output_path, run_job
    from lindung.enrolment.services import add_agreement, enrol
    from lindung.intake.services import import_roster
    from lindung.regions.models import Region
    from lindung.regions.services import load_regions
    from lindung.registry.models import WorkUnit
    from lindung.registry.services import add_employer

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_regions()
    employer = add_employer(EMPLOYER, None, "bench").employer
    kecamatan = list(
        Region.objects.filter(parent_id=EMPLOYER, level=Region.Level.KECAMATAN, current=True)
        .order_by("code")
        .values_list("code", "name")
    )
    units = generate.unit_rows(kecamatan, 40)
    WorkUnit.objects.bulk_create([WorkUnit(employer=employer, code=c, name=n, kind=k) for c, n, k in units])
    roster = generate.roster(args.workers, [k for k, _ in kecamatan], [u[0] for u in units])
    generate.write_csv(roster.text, work / "roster.csv")
    today = dt.date(2026, 11, 2)
    imported = import_roster(work / "roster.csv", EMPLOYER, mode="commit", actor="bench", today=today)
    add_agreement(EMPLOYER, programs="JKK,JKM", effective_from=dt.date(2026, 1, 1), actor="bench")
    enrolled = enrol(EMPLOYER, actor="bench", on=today)
    say(
        f"set-up: {imported.new:,} workers imported, {enrolled.enrolled:,} memberships, "
        f"{time.perf_counter() - started:.1f} s (SQLite, {work})"
    )

    say(f"machine: {os.cpu_count()} cores, CPython {sys.version.split()[0]}")
    verdict = "PASS"
    for output in ("pdf", "zip"):
        # The first job issues the cards; the second prints the same current cards again, as a zip.
        marks: list[float] = []
        t0 = time.perf_counter()
        job = create_job(EMPLOYER, actor="bench", on=today, output=output)
        done = run_job(str(job.pk), lambda j, marks=marks: marks.append(time.perf_counter()))
        t2 = time.perf_counter()
        n, size = done.total, output_path(done).stat().st_size / 1e6
        if output == "pdf":
            pages = len(PdfReader(str(output_path(done))).pages)
        else:
            with zipfile.ZipFile(output_path(done)) as archive:
                pages = sum(len(PdfReader(BytesIO(archive.read(e))).pages) for e in archive.namelist())
        t1 = marks[0]
        rate = n / (t2 - t0)
        ok = done.status == "done" and pages == n and rate >= GOAL
        verdict = verdict if ok else "MISS"
        what = "issue + print, one PDF" if output == "pdf" else "print again, zip per unit"
        say(f"job {output} ({what}): {n:,} cards in {t2 - t0:.2f} s = {rate:,.0f} documents/s "
            f"(goal >= {GOAL:.0f}/s): {'PASS' if ok else 'MISS'}")  # fmt: skip
        say(f"  cards issued or looked up {t1 - t0:.2f} s; parts and the {output} ({size:.1f} MB) {t2 - t1:.2f} s; "
            f"{pages:,} pages read back")  # fmt: skip
    say(f"peak RSS {maxrss_bytes() / 1e6:,.0f} MB")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
