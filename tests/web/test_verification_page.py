"""The public verification page: genuine, superseded, revoked and forged documents, and its rate limit."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from lindung.documents import services
from lindung.documents.tokens import sign
from lindung.web.views.verification import RATE
from tests.web.conftest import World

ON = dt.date(2026, 11, 2)


def page(token: str) -> tuple[int, str]:
    answer = Client().get(reverse("verification", args=[token]))
    return answer.status_code, answer.content.decode()


def test_a_genuine_card_shows_what_the_card_shows_and_no_more(world: World) -> None:
    card = services.issue_cards("13.11", actor="test", unit="DINKES", on=ON)[0]
    status, text = page(sign(card.token_id))
    assert status == 200 and "ASLI dan berlaku" in text and card.number in text
    assert card.content["nik"] in text and card.content["name"] in text
    assert world.worker(card.membership.worker.nik).nik not in text  # never the full NIK
    assert "Content-Security-Policy" in Client().get(reverse("verification", args=["x"])).headers


def test_superseded_revoked_and_forged_documents_are_told_apart(world: World) -> None:
    first = services.issue_employer_certificate("13.11", actor="test", on=ON)
    second = services.issue_employer_certificate("13.11", actor="test", on=ON, reason="peserta bertambah")
    status, text = page(sign(first.token_id))
    assert status == 200 and "sudah diganti" in text and second.number in text and "peserta bertambah" in text
    assert "2 November 2026" in text and "2026-11-02" not in text  # dates written out
    services.revoke(second.number, actor="kc", reason="data salah")
    status, text = page(sign(second.token_id))
    assert status == 200 and "DICABUT" in text and "data salah" in text
    forged = sign(second.token_id)[:-2] + "xx"
    status, text = page(forged)
    assert status == 404 and "TIDAK ASLI" in text and second.number not in text


def test_one_address_may_verify_only_so_many_times_a_minute(world: World) -> None:
    doc = services.issue_employer_certificate("13.11", actor="test", on=ON)
    client = Client()
    url = reverse("verification", args=[sign(doc.token_id)])
    answers = [client.get(url).status_code for _ in range(RATE + 2)]
    assert answers[:RATE] == [200] * RATE and answers[-1] == 429
