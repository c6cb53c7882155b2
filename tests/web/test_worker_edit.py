"""The worker's page: a Pemda admin or an OPD clerk corrects a name or a wage, or ends an employment, with the
same history a roster import writes, told in words (who, from where, why)."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lindung.registry.models import Change, ChangeSet, Employment, Worker
from lindung.registry.services import end_employment
from tests.web.conftest import DINKES_NIKS, World


def _page(client: Client, worker: Worker) -> str:
    answer = client.get(reverse("worker", args=[worker.pk]))
    assert answer.status_code == 200
    return answer.content.decode()


def test_a_clerk_corrects_a_name_and_the_history_says_who_and_why(world: World, personas: dict[str, Client]) -> None:
    worker = world.worker(DINKES_NIKS[0])
    clerk = personas["clerk"]
    answer = clerk.post(
        reverse("worker_name", args=[worker.pk]), {"name": "Siti  Rahmah ", "reason": "salah ketik di SK"}
    )
    assert answer.status_code == 302 and answer["Location"] == reverse("worker", args=[worker.pk])
    worker.refresh_from_db()
    assert worker.name == "Siti Rahmah"
    change = Change.objects.get(model="registry.worker", object_id=str(worker.pk), action="update")
    assert (change.before, change.after) == ({"name": "Siti Rahma"}, {"name": "Siti Rahmah"})
    assert change.changeset.actor == "clerk" and change.changeset.summary["reason"] == "salah ketik di SK"
    page = _page(clerk, worker)
    assert "Nama dikoreksi." in page
    assert "Koreksi nama di halaman pekerja" in page and "salah ketik di SK" in page
    assert "Siti Rahma &rarr; Siti Rahmah" in page
    # the roster import that created the worker, in words, not as its command line
    assert "Impor daftar pekerja solsel.csv" in page and "sha256:" not in page


def test_a_name_with_markup_or_a_formula_is_refused_beside_the_form_and_nothing_changes(
    world: World, personas: dict[str, Client]
) -> None:
    worker = world.worker(DINKES_NIKS[0])
    before = ChangeSet.objects.count()
    for name, said in [
        ("<script>alert(1)</script>", "tanda HTML"),
        ('=HYPERLINK("http://x")', "rumus"),
        ("   ", "wajib diisi"),
        ("A" * 201, "paling banyak 200"),
    ]:
        answer = personas["admin"].post(reverse("worker_name", args=[worker.pk]), {"name": name})
        assert answer.status_code == 400, name
        assert said in answer.content.decode(), name
    worker.refresh_from_db()
    assert worker.name == "Siti Rahma"
    assert ChangeSet.objects.count() == before


def test_an_admin_corrects_a_wage_written_the_indonesian_way(world: World, personas: dict[str, Client]) -> None:
    worker = world.worker(DINKES_NIKS[1])
    employment = worker.employments.get()
    url = reverse("employment_correct", args=[worker.pk, employment.pk])
    answer = personas["admin"].post(url, {"wage": "Rp 2.750.000", "job_title": "Perawat", "reason": "SK baru"})
    assert answer.status_code == 302
    employment.refresh_from_db()
    assert employment.wage == 2_750_000 and employment.job_title == "Perawat"
    change = Change.objects.get(model="registry.employment", object_id=str(employment.pk), action="update")
    assert (change.before, change.after) == ({"wage": 2_500_000}, {"wage": 2_750_000})
    assert change.changeset.effective == timezone.localdate()  # billed from this month, as an import's would be
    page = _page(personas["admin"], worker)
    assert "Rp2.500.000 &rarr; Rp2.750.000" in page and "SK baru" in page
    # the same values again: nothing is written
    assert personas["admin"].post(url, {"wage": "2750000", "job_title": "Perawat"}).status_code == 302
    assert Change.objects.filter(model="registry.employment", object_id=str(employment.pk)).count() == 1


def test_a_wage_that_is_no_wage_is_refused(world: World, personas: dict[str, Client]) -> None:
    worker = world.worker(DINKES_NIKS[1])
    employment = worker.employments.get()
    url = reverse("employment_correct", args=[worker.pk, employment.pk])
    for wage, said in [
        ("dua juta", "tidak dapat dibaca"),
        ("0", "lebih dari 0"),
        ("99999999999999999999999", "periksa jumlah nolnya"),
        ("2.500.000,50", "tanpa sen"),
    ]:
        answer = personas["clerk"].post(url, {"wage": wage, "job_title": "Perawat"})
        assert answer.status_code == 400, wage
        assert said in answer.content.decode(), wage
    employment.refresh_from_db()
    assert employment.wage == 2_500_000


def test_ending_an_employment_needs_a_confirmation_a_date_and_keeps_the_history(
    world: World, personas: dict[str, Client]
) -> None:
    worker = world.worker(DINKES_NIKS[0])
    employment = worker.employments.get()
    url = reverse("employment_end", args=[worker.pk, employment.pk])
    data = {"end_date": "30/11/2026", "reason": "mengundurkan diri"}
    unconfirmed = personas["clerk"].post(url, data)
    assert unconfirmed.status_code == 400 and "Centang konfirmasi" in unconfirmed.content.decode()
    assert Employment.objects.get(pk=employment.pk).end_date is None
    for day, said in [("31/13/2026", "tidak dapat dibaca"), ("01/01/2020", "lebih awal dari TMT")]:
        answer = personas["clerk"].post(url, {**data, "end_date": day, "confirm": "1"})
        assert answer.status_code == 400 and said in answer.content.decode(), day
    far = (timezone.localdate() + dt.timedelta(days=60)).strftime("%d/%m/%Y")
    assert "sebulan ke depan" in personas["clerk"].post(url, {**data, "end_date": far, "confirm": "1"}).content.decode()
    assert Employment.objects.get(pk=employment.pk).end_date is None

    done = personas["clerk"].post(url, {**data, "confirm": "1"}, follow=True)
    assert done.status_code == 200
    page = done.content.decode()
    assert "diakhiri pada 30 November 2026" in page
    assert Employment.objects.get(pk=employment.pk).end_date == dt.date(2026, 11, 30)
    change = Change.objects.get(model="registry.employment", object_id=str(employment.pk), action="end")
    assert change.after == {"end_date": "2026-11-30"} and change.changeset.summary["reason"] == "mengundurkan diri"
    assert "Penugasan diakhiri di halaman pekerja" in page and "mengundurkan diri" in page
    assert 'id="form-end-' not in page  # an ended employment has no forms any more
    # a second end is refused: the first stays
    again = personas["admin"].post(url, {**data, "end_date": "01/12/2026", "confirm": "1"})
    assert again.status_code == 400 and "sudah berakhir pada 30 November 2026" in again.content.decode()


def test_readers_without_the_edit_action_see_no_forms(world: World, personas: dict[str, Client]) -> None:
    worker = world.worker(DINKES_NIKS[0])
    assert 'id="form-name"' in _page(personas["clerk"], worker)
    assert 'id="form-name"' not in _page(personas["branch"], worker)


def test_the_command_line_and_the_demo_are_named_in_words(world: World, personas: dict[str, Client]) -> None:
    worker = world.worker(DINKES_NIKS[1])
    end_employment(worker.employments.get().pk, end="2026-11-30", actor="cli:root", reason="kontrak selesai")
    page = _page(personas["admin"], worker)
    assert "baris perintah server (akun root)" in page and "cli:root" not in page
