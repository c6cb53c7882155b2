"""Certificates and cards: numbered, with a QR code read back by a real decoder, told apart when genuine,
superseded, revoked, altered or forged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from lindung.documents import services
from lindung.documents.models import Document
from lindung.documents.pdf import write_cards, write_certificate
from lindung.documents.tokens import new_token_id, sign
from lindung.domain.errors import Conflict
from lindung.enrolment.models import Membership
from tests.web.conftest import DINKES_NIKS, SATPOL_NIK, World

ON = dt.date(2026, 11, 2)


def qr_codes(path: Path, page: int = 0) -> list[str]:
    """The QR codes on a page of the PDF, decoded by zxing-cpp from a 300-dpi rendering."""
    rendered = pypdfium2.PdfDocument(str(path))[page].render(scale=300 / 72).to_pil()
    return [r.text for r in zxingcpp.read_barcodes(rendered)]


def text(path: Path, page: int = 0) -> str:
    return PdfReader(str(path)).pages[page].extract_text()


def test_the_employer_certificate_states_the_figures_and_its_qr_code_verifies_it(
    world: World,
    tmp_path: Path,
) -> None:
    doc = services.issue_employer_certificate("13.11", actor="test", on=ON)
    assert doc.number == "SERT-13.11-2026-000001"
    pdf = write_certificate(doc, tmp_path / "sertifikat.pdf")
    page = text(pdf)
    assert "SERTIFIKAT KEPESERTAAN" in page and "Pemerintah Kabupaten Solok Selatan" in page
    assert "JKK, JKM" in page and "3 pekerja" in page
    assert "Dinas Kesehatan" in page and "Satpol PP dan Damkar" in page
    assert qr_codes(pdf) == [services.verification_url(doc)]
    token = qr_codes(pdf)[0].rsplit("/verifikasi/", 1)[1]
    verdict = services.verify(token)
    assert verdict.state == "asli" and verdict.document == doc
    assert doc.token_id not in doc.number and doc.number not in token


def test_a_reissued_certificate_supersedes_the_old_one_and_records_why(world: World) -> None:
    first = services.issue_employer_certificate("13.11", actor="test", on=ON)
    with pytest.raises(Conflict, match="masih berlaku"):
        services.issue_employer_certificate("13.11", actor="test", on=ON)
    second = services.issue_employer_certificate("13.11", actor="kc", on=ON, reason="peserta bertambah")
    old = services.verify(sign(first.token_id))
    assert old.state == "diganti" and old.replacement == second.number
    assert old.as_dict()["superseded_reason"] == "peserta bertambah" and second.issued_by == "kc"
    assert services.verify(sign(second.token_id)).state == "asli"
    third = services.reissue(second.number, actor="kc", reason="salah cetak")
    assert third.kind == "employer" and services.verify(sign(second.token_id)).replacement == third.number
    with pytest.raises(Conflict, match="tidak berlaku"):
        services.reissue(second.number, actor="kc", reason="lagi")
    assert Document.objects.count() == 3  # nothing deleted


def test_a_revoked_document_says_so_with_the_reason_and_cannot_be_revoked_twice(world: World) -> None:
    doc = services.issue_employer_certificate("13.11", actor="test", on=ON)
    services.revoke(doc.number, actor="kc.solok", reason="salah cetak")
    verdict = services.verify(sign(doc.token_id)).as_dict()
    assert verdict["state"] == "dicabut" and verdict["revoked_reason"] == "salah cetak"
    with pytest.raises(Conflict):
        services.revoke(doc.number, actor="kc.solok", reason="lagi")


def test_a_token_never_begins_with_a_dash_which_the_command_line_would_read_as_an_option(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drawn = iter(["-leading-dash", "--two", "ok-token"])
    monkeypatch.setattr("lindung.documents.tokens.secrets.token_urlsafe", lambda n: next(drawn))
    assert new_token_id() == "ok-token"


def test_an_altered_or_forged_token_is_told_apart_from_a_genuine_one(world: World) -> None:
    doc = services.issue_employer_certificate("13.11", actor="test", on=ON)
    genuine = sign(doc.token_id)
    altered = genuine[:-1] + ("A" if genuine[-1] != "A" else "B")
    assert services.verify(genuine).state == "asli"
    assert services.verify(altered).state == "palsu"
    assert services.verify(doc.token_id).state == "palsu"  # the id without its signature
    assert services.verify(doc.number).state == "palsu"  # the number is not a token
    assert services.verify(sign(new_token_id())).state == "palsu"  # signed, but never issued
    assert services.verify(altered).as_dict()["content"] is None  # nothing shown for a forgery


def test_cards_for_every_member_in_one_pdf_with_masked_niks_and_their_own_qr_codes(
    world: World,
    tmp_path: Path,
) -> None:
    cards = services.issue_cards("13.11", actor="test", on=ON)
    assert [c.number for c in cards] == [f"KARTU-13.11-2026-00000{i}" for i in (1, 2, 3)]
    pdf = write_cards(cards, tmp_path / "kartu.pdf")
    assert len(PdfReader(str(pdf)).pages) == 3
    pages = [text(pdf, i) for i in range(3)]
    assert any("Siti Rahma" in p for p in pages) and any("Budi Santoso" in p for p in pages)
    everything = "\n".join(pages)
    assert all(nik not in everything for nik in [*DINKES_NIKS, SATPOL_NIK])
    assert "1311********0001" in everything and "JKK, JKM" in everything
    for i, card in enumerate(cards):
        (url,) = qr_codes(pdf, i)
        assert url == services.verification_url(card)
        assert services.verify(url.rsplit("/", 1)[1]).document == card


def test_cards_of_one_unit_and_a_reissue_supersedes_each_members_card(world: World) -> None:
    first = services.issue_cards("13.11", actor="test", unit="DINKES", on=ON)
    assert {c.content["unit"] for c in first} == {"Dinas Kesehatan"} and len(first) == 2
    assert services.issue_cards("13.11", actor="test", unit="DINKES", on=ON) == first  # current cards kept
    with pytest.raises(Conflict, match="alasan"):
        services.issue_cards("13.11", actor="test", unit="DINKES", on=ON, cards="reissue")
    again = services.issue_cards("13.11", actor="test", unit="DINKES", on=ON, cards="reissue", reason="rusak")
    for old, new in zip(first, again, strict=True):
        verdict = services.verify(sign(old.token_id))
        assert verdict.state == "diganti" and verdict.replacement == new.number and new.reason == "rusak"
    lost = services.reissue(again[0].number, actor="kc", reason="kartu hilang")
    assert lost.membership_id == again[0].membership_id and lost.content["name"] == again[0].content["name"]
    assert services.verify(sign(again[0].token_id)).replacement_reason == "kartu hilang"
    Membership.objects.filter(pk=lost.membership_id).update(valid_to=dt.date(2025, 1, 31))
    with pytest.raises(Conflict, match="sudah tidak berlaku"):
        services.reissue(lost.number, actor="kc", reason="kartu hilang lagi")


def test_the_certificate_command_issues_verifies_and_revokes(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from django.core.management import CommandError, call_command

    out = tmp_path / "kartu.pdf"
    call_command("certificate", "issue", "--kind", "card", "--employer", "13.11", "--on", "2026-11-02",
                 "--out", str(out), "--format", "json")  # fmt: skip
    issued = json.loads(capsys.readouterr().out)
    assert issued["file"] == str(out) and len(issued["documents"]) == 3 and issued["job"]
    assert len(PdfReader(str(out)).pages) == 3
    with pytest.raises(CommandError, match="sudah ada"):  # never overwritten without --force
        call_command("certificate", "issue", "--kind", "card", "--employer", "13.11", "--out", str(out))
    assert qr_codes(out, 0) == [issued["documents"][0]["url"]]
    token = issued["documents"][0]["url"].rsplit("/", 1)[1]
    call_command("certificate", "verify", token, "--format", "json")
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["state"] == "asli" and verdict["content"]["nik"].startswith("1311****")
    call_command("certificate", "revoke", issued["documents"][0]["number"], "--reason", "hilang")
    capsys.readouterr()
    call_command("certificate", "verify", token, "--format", "json")
    assert json.loads(capsys.readouterr().out)["state"] == "dicabut"
    with pytest.raises(SystemExit) as forged:
        call_command("certificate", "verify", token + "x", "--format", "json")
    assert forged.value.code == 1 and json.loads(capsys.readouterr().out)["state"] == "palsu"


def test_an_award_states_the_achievement_and_is_refused_below_the_threshold(world: World, tmp_path: Path) -> None:
    from decimal import Decimal

    from lindung.documents.pdf import write_award

    award = services.issue_award("13.11", actor="kc", min_coverage=Decimal(90), every_unit=True, on=ON)
    assert award.number == "PIAGAM-13.11-2026-000001"
    pdf = write_award(award, tmp_path / "piagam.pdf")
    page = text(pdf)
    assert "PIAGAM PENGHARGAAN" in page and "Pemerintah Kabupaten Solok Selatan" in page
    assert "3 dari 3 pekerja" in page and "cakupan 100,0%" in page and "2 dari 2 unit kerja" in page
    assert qr_codes(pdf) == [services.verification_url(award)]
    with pytest.raises(Conflict, match="belum mencapai ambang"):
        services.issue_award("13.02", actor="kc", min_coverage=Decimal(50), on=ON)
    with pytest.raises(Conflict, match="Tentukan ambang"):
        services.issue_award("13.11", actor="kc", on=ON)
    assert Document.objects.filter(kind=Document.Kind.AWARD).count() == 1


def lines(path: Path, page: int = 0) -> list[str]:
    return [" ".join(line.split()) for line in text(path, page).splitlines()]  # fpdf2 spaces out wrapped lines


def test_the_certificate_ends_with_the_branch_office_place_date_and_signature_block(
    world: World, tmp_path: Path
) -> None:
    signer = services.Signer(name="Dra. Rina Marlina, M.M.", number="NPK 19780512")
    doc = services.issue_employer_certificate("13.11", actor="kc", on=ON, branch="KC-SLK", signer=signer)
    assert doc.content["issuer"] == {
        "office": "BPJS Ketenagakerjaan Kantor Cabang Solok",
        "branch": "KC-SLK",
        "place": "Solok",
        "signer": {"title": "Kepala Kantor Cabang", "name": "Dra. Rina Marlina, M.M.", "number": "NPK 19780512"},
    }
    page = lines(write_certificate(doc, tmp_path / "sertifikat.pdf"))
    block = page[page.index("Solok, 2 November 2026") :]
    assert block[:3] == ["Solok, 2 November 2026", "BPJS Ketenagakerjaan", "Kantor Cabang Solok"]
    assert block[3:6] == ["Kepala Kantor Cabang,", "Dra. Rina Marlina, M.M.", "NPK 19780512"]
    assert "Diterbitkan oleh BPJS Ketenagakerjaan Kantor Cabang Solok untuk Pemerintah Kabupaten Solok" in " ".join(
        page
    )
    assert qr_codes(tmp_path / "sertifikat.pdf") == [services.verification_url(doc)]  # the QR still reads


def test_without_a_signer_the_block_leaves_a_line_to_sign_and_the_serving_branch_is_the_office(
    world: World, tmp_path: Path
) -> None:
    doc = services.issue_employer_certificate("13.11", actor="admin", on=ON)  # a superuser: no branch of their own
    assert doc.content["issuer"]["office"] == "BPJS Ketenagakerjaan Kantor Cabang Solok"  # 13.11 is KC Solok's
    page = lines(write_certificate(doc, tmp_path / "sertifikat.pdf"))
    block = page[page.index("Solok, 2 November 2026") :]
    assert block[3] == "Kepala Kantor Cabang,"
    assert block[4].startswith("(" + "." * 40)  # the name is written by hand
    # A Pemda no branch serves: BPJS TK alone, signed in the Pemda's own place, no title invented.
    solok = services.issuer_content(world.solok, None, services.Signer(title="Direktur Kepesertaan"))
    assert (solok["office"], solok["place"], solok["branch"]) == ("BPJS Ketenagakerjaan", "Solok", "")
    assert solok["signer"]["title"] == "Direktur Kepesertaan"
    assert services.issuer_content(world.solok, None, None)["signer"]["title"] == ""


def test_the_award_has_the_same_signature_block_and_a_reissued_certificate_keeps_its_signer(
    world: World, tmp_path: Path
) -> None:
    from decimal import Decimal

    from lindung.documents.pdf import write_award

    signer = services.Signer(name="Hendra Wijaya", title="Kepala Kantor Cabang Solok", place="Muara Labuh")
    award = services.issue_award("13.11", actor="kc", min_coverage=Decimal(90), on=ON, branch="KC-SLK", signer=signer)
    page = lines(write_award(award, tmp_path / "piagam.pdf"))
    block = page[page.index("Muara Labuh, 2 November 2026") :]
    assert block[1:5] == ["BPJS Ketenagakerjaan", "Kantor Cabang Solok", "Kepala Kantor Cabang Solok,", "Hendra Wijaya"]
    first = services.issue_employer_certificate("13.11", actor="kc", on=ON, branch="KC-SLK", signer=signer)
    again = services.reissue(first.number, actor="kc", reason="salah cetak")
    assert again.content["issuer"] == first.content["issuer"]
    assert services.last_signer("KC-SLK") == services.Signer("Hendra Wijaya", "Kepala Kantor Cabang Solok")
    assert services.last_signer("KC-LAIN") == services.Signer()


def test_the_certificate_command_names_the_signer_and_warns_on_a_real_server_without_an_address(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from django.core.management import call_command

    out = tmp_path / "sertifikat.pdf"
    call_command("certificate", "issue", "--kind", "employer", "--employer", "13.11", "--on", "2026-11-02",
                 "--out", str(out), "--signer-name", "Hendra Wijaya", "--place", "Padang")  # fmt: skip
    assert "LINDUNG_PUBLIC_URL" not in capsys.readouterr().err  # the tests' machine is a development one
    page = lines(out)
    assert page[page.index("Padang, 2 November 2026") + 4].startswith("Hendra Wijaya")
    monkeypatch.delenv("LINDUNG_ALLOW_DEV_KEY")
    settings.DEBUG = False
    call_command("certificate", "issue", "--kind", "employer", "--employer", "13.11", "--reason", "ulang",
                 "--out", str(out), "--force")  # fmt: skip
    assert "LINDUNG_PUBLIC_URL belum diatur" in capsys.readouterr().err
