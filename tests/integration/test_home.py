from __future__ import annotations

import pytest
from django.test import Client

from tests.integration.factories import solok_selatan

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_employers_with_their_units(client: Client) -> None:
    solok_selatan()
    page = client.get("/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Pemerintah Kabupaten Solok Selatan" in text
    assert '<td class="n">3</td>' in text
