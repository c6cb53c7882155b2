"""Cards benchmark (issue 6): kartu peserta for 10,000 workers, documents per second (goal: at least 100/s).

    .venv/bin/python bench/cards.py [--workers N]     (make bench-cards)

On a fresh SQLite file in a temporary directory: regions, Kabupaten Bogor with 40 units, a valid roster of N
workers (bench/generate.py) imported with `import_roster`, an agreement (JKK+JKM) and `enrol`, so N memberships.
Then, timed: `issue_cards` (numbers, signed tokens, the content of each card, one transaction) and
`write_cards` (one PDF, one ID-1 page and one vector QR code per card), and both together. The PDF is checked:
its page count equals N.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
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

    from lindung.documents.pdf import write_cards
    from lindung.documents.services import issue_cards
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

    t0 = time.perf_counter()
    cards = issue_cards(EMPLOYER, actor="bench", on=today)
    t1 = time.perf_counter()
    pdf = write_cards(cards, work / "kartu.pdf")
    t2 = time.perf_counter()
    pages = len(PdfReader(str(pdf)).pages)
    n = len(cards)
    total = t2 - t0
    say(f"machine: {os.cpu_count()} cores, CPython {sys.version.split()[0]}")
    say(f"issue_cards: {n:,} documents in {t1 - t0:.2f} s = {n / (t1 - t0):,.0f}/s")
    say(f"write_cards: {n:,} pages in {t2 - t1:.2f} s = {n / (t2 - t1):,.0f}/s ({pdf.stat().st_size / 1e6:.1f} MB)")
    rate = n / total
    verdict = "PASS" if rate >= GOAL and pages == n else "MISS"
    say(f"both: {n:,} cards in {total:.2f} s = {rate:,.0f} documents/s (goal >= {GOAL:.0f}/s): {verdict}")
    say(f"pages in the PDF: {pages:,}; peak RSS {maxrss_bytes() / 1e6:,.0f} MB")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
