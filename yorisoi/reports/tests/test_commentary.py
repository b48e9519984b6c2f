"""The short texts of the council report, written by a manager per fiscal year."""

from __future__ import annotations

from django.urls import reverse

from yorisoi.reports.models import Commentary

from .conftest import YEAR

TEXTS = {
    "overview": "相談件数は前年度より増えました。",
    "achievements": "メタバースでの居場所を開きました。",
    "challenges": "",
    "next_steps": "家族教室を増やします。",
}


def test_a_manager_writes_and_the_page_and_pdf_show_it(client, manager1, center1):
    client.force_login(manager1)
    url = reverse("reports:commentary") + f"?year={YEAR}&center={center1.pk}"
    assert client.post(url, TEXTS).status_code == 302
    saved = Commentary.objects.get()
    assert (saved.fiscal_year, saved.center, saved.overview) == (YEAR, center1, TEXTS["overview"])
    page = client.get(reverse("reports:statistics") + f"?year={YEAR}&center={center1.pk}")
    assert TEXTS["achievements"] in page.content.decode()
    from .pages import pdf_text

    pdf = client.get(reverse("reports:export", args=["pdf"]) + f"?year={YEAR}&center={center1.pk}")
    assert TEXTS["next_steps"] in pdf_text(pdf.content)


def test_a_second_save_from_a_stale_form_is_refused(client, manager1, center1):
    client.force_login(manager1)
    url = reverse("reports:commentary") + f"?year={YEAR}&center={center1.pk}"
    client.post(url, TEXTS)
    client.post(url, {**TEXTS, "overview": "改訂版", "version": "1"})
    response = client.post(url, {**TEXTS, "overview": "古い画面から", "version": "1"})
    assert response.status_code == 409
    assert Commentary.objects.get().overview == "改訂版"


def test_too_long_text_is_refused(client, manager1, center1):
    client.force_login(manager1)
    url = reverse("reports:commentary") + f"?year={YEAR}&center={center1.pk}"
    response = client.post(url, {**TEXTS, "overview": "あ" * 1201})
    assert response.status_code == 400
    assert not Commentary.objects.exists()


def test_only_the_centers_manager_writes(client, manager2, analyst1, center1):
    url = reverse("reports:commentary") + f"?year={YEAR}&center={center1.pk}"
    for user in (manager2, analyst1):
        client.force_login(user)
        assert client.post(url, TEXTS).status_code == 404
    assert not Commentary.objects.exists()
