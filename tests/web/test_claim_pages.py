"""The claim pages: the case's history in words and its dated follow-ups, and the list's tasks ahead."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from lindung.accounts.scope import Scope
from lindung.claims.services import report_claim
from tests.web.conftest import DINKES_NIKS, World

EVERYTHING = Scope(user_id=None, role="super", employer_ids=None)


def test_an_open_accident_shows_its_history_in_words_and_the_stmb_months_as_tasks(
    world: World, personas: dict[str, Client]
) -> None:
    accident = timezone.localtime() - dt.timedelta(days=40)
    claim = report_claim(
        EVERYTHING, nik=DINKES_NIKS[0], kind="jkk_accident", event_at=accident, place="Puskesmas",
        description="Tergelincir", actor="opd.dinkes",
    )  # fmt: skip
    text = " ".join(personas["clerk"].get(f"/klaim/{claim.number}/").content.decode().split())
    assert "dilaporkan, opd.dinkes" in text  # the move's word and who made it, not its code
    assert "Tindak lanjut terjadwal" in text
    # 40 days after the accident: month 1 is past (overdue), month 2 is the next one; nothing beyond
    assert "STMB bulan ke-1 (100% upah)" in text and "STMB bulan ke-2 (100% upah)" in text
    assert "STMB bulan ke-3" not in text
    listing = " ".join(personas["admin"].get("/klaim/").content.decode().split())
    assert "Tindak lanjut terjadwal (60 hari ke depan)" in listing and "STMB bulan ke-2" in listing
    # Kabupaten Solok's admin sees neither the case nor its tasks
    assert "STMB" not in personas["other_admin"].get("/klaim/").content.decode()
