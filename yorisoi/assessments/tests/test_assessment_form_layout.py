"""The assessment form (issue 9, point 15): a navigation to each instrument, K6 as a compact
grid of radio buttons, no internal ids on screen, and the required safety questions enforced
when completing."""

from __future__ import annotations

import re

from yorisoi.assessments.models import Assessment

from .factories import K6_TOTAL_8, SAFE, assess, post_data


def new_url(case):
    return f"/assessments/case/{case.pk}/new/"


def test_the_form_has_a_navigation_to_each_instrument(client, worker1, case_c1):
    client.force_login(worker1)
    html = client.get(new_url(case_c1)).content.decode()
    nav = re.search(r'<nav class="instrument-nav".*?</nav>', html, flags=re.S).group(0)
    for instrument_id in ("safety", "outing", "k6", "loneliness", "factors", "interests", "family"):
        assert f'href="#h-{instrument_id}"' in nav
        assert f'id="h-{instrument_id}"' in html
    assert "必須" in nav  # the safety check is marked as required


def test_k6_is_a_compact_grid_of_radio_buttons(client, worker1, case_c1):
    client.force_login(worker1)
    html = client.get(new_url(case_c1)).content.decode()
    section = re.search(r'<section[^>]*aria-labelledby="h-k6".*?</section>', html, flags=re.S)
    table = re.search(r'<table class="scale-grid">.*?</table>', section.group(0), flags=re.S)
    assert table, "K6 is drawn as a grid"
    grid = table.group(0)
    assert grid.count('<th scope="col" class="scale-grid__col">') == 5  # 0..4
    assert grid.count("<tr") == 7  # the heads and six items
    assert grid.count('type="radio"') == 30
    # Each radio has a label naming its item and its point.
    assert '<span class="visually-hidden">神経が張りつめている感じ：</span>' in grid
    assert "<fieldset" not in section.group(0)


def test_a_grid_keeps_answers_and_shows_errors_on_its_row(client, worker1, case_c1):
    client.force_login(worker1)
    answers = dict(K6_TOTAL_8)
    del answers["worthless"]
    response = client.post(
        new_url(case_c1), post_data({"k6": answers, "safety": SAFE}, action="complete")
    )
    assert response.status_code == 400
    html = response.content.decode()
    row = re.search(r'<tr class="scale-grid__invalid">.*?</tr>', html, flags=re.S).group(0)
    assert "自分には値打ちがないと感じること" in row and 'aria-invalid="true"' in row
    assert re.search(r'id="id_k6__tense_2"[^>]* checked', html)


def test_no_internal_ids_on_screen(client, worker1, case_c1):
    client.force_login(worker1)
    form = client.get(new_url(case_c1)).content.decode()
    assessment = assess(worker1, case_c1, {"k6": K6_TOTAL_8, "safety": SAFE}).assessment
    detail = client.get(assessment.get_absolute_url()).content.decode()
    for html in (form, detail):
        text = re.sub(r"<[^>]+>", " ", html)
        assert "定義：" not in text
        assert not re.search(r"\b(safety|k6|outing|loneliness) 第\d+版", text)


def test_completing_needs_the_safety_questions(client, worker1, case_c1):
    client.force_login(worker1)
    response = client.post(new_url(case_c1), post_data({"k6": K6_TOTAL_8}, action="complete"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "完了するには、「安全の確認」のこの項目に答えてください。" in html
    assert not Assessment.objects.exists()
    # A draft may still be saved without them.
    draft = client.post(new_url(case_c1), post_data({"k6": K6_TOTAL_8}, action="draft"))
    assert draft.status_code == 302
    assert Assessment.objects.get().status == Assessment.Status.DRAFT
    # And with them, it completes.
    done = client.post(
        new_url(case_c1), post_data({"k6": K6_TOTAL_8, "safety": SAFE}, action="complete")
    )
    assert done.status_code == 302
