"""Two versions of a plan side by side, with removed words in <del> and added words in <ins>."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from yorisoi.cases import services
from yorisoi.cases.views_plans import text_diff

pytestmark = pytest.mark.django_db


def add_version(user, case, number_before: int, **data):
    payload = {"goals": "昼夜逆転を直したい。", "voice": "person", **data}
    return services.plan_version_create(
        user=user, case=case, data=payload, based_on_number=number_before
    )


@pytest.fixture
def three_versions(worker1, case_c1):
    add_version(worker1, case_c1, 0, goals="昼夜逆転を直したい。\n散歩をしたい。")
    add_version(worker1, case_c1, 1, goals="昼夜逆転を直したい。\n散歩をしたい。")
    add_version(
        worker1,
        case_c1,
        2,
        goals="朝に起きられるようになりたい。\n散歩をしたい。\n図書館に行きたい。",
        voice="family",
    )
    return case_c1


def compare_url(case, query: str = "") -> str:
    return reverse("cases:plan_compare", args=[case.pk]) + query


def test_changed_words_are_marked_and_unchanged_ones_are_not(client, worker1, three_versions):
    client.force_login(worker1)
    response = client.get(compare_url(three_versions, "?a=1&b=3"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "第1版と第3版の比較" in page
    inserted = re.findall(r"<ins>.*?</ins>", page, re.S)
    deleted = re.findall(r"<del>.*?</del>", page, re.S)
    assert any("図書館に行きたい。" in s for s in inserted)
    assert any("家族の言葉" in s for s in inserted)
    assert any("本人の言葉" in s for s in deleted)
    # The unchanged line is shown plainly on both sides.
    assert not any("散歩をしたい" in s for s in inserted + deleted)
    assert page.count("散歩をしたい。") >= 2
    # Screen readers hear where a change starts, not just a colour or a line.
    assert "［追加：" in page and "［削除：" in page
    assert "変更あり" in page


def test_identical_versions_show_no_change(client, worker1, three_versions):
    client.force_login(worker1)
    page = client.get(compare_url(three_versions, "?a=1&b=2")).content.decode()
    assert "<ins>" not in page and "<del>" not in page
    assert "変更あり" not in page


def test_order_of_the_two_versions_does_not_matter(client, worker1, three_versions):
    client.force_login(worker1)
    page = client.get(compare_url(three_versions, "?a=3&b=1")).content.decode()
    assert "第1版から第3版への変更です。" in page


def test_without_a_choice_the_two_latest_are_compared(client, worker1, three_versions):
    client.force_login(worker1)
    page = client.get(compare_url(three_versions)).content.decode()
    assert "第2版と第3版の比較" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?a=1&b=9", "比べる版を一覧から選んでください。"),
        ("?a=x&b=2", "比べる版を一覧から選んでください。"),
        ("?a=2&b=2", "違う版を2つ選んでください。"),
        ("?a=1", "比べる版を選んでください。"),
    ],
)
def test_bad_choices_are_explained(client, worker1, three_versions, query, message):
    client.force_login(worker1)
    response = client.get(compare_url(three_versions, query))
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_single_version_cannot_be_compared(client, worker1, case_c1):
    add_version(worker1, case_c1, 0)
    client.force_login(worker1)
    page = client.get(compare_url(case_c1, "?a=1&b=2")).content.decode()
    assert "比べるには、版が2つ以上必要です。" in page


def test_colleague_may_compare_and_stranger_gets_404(client, worker1b, worker2, three_versions):
    client.force_login(worker1b)
    assert client.get(compare_url(three_versions, "?a=1&b=3")).status_code == 200
    client.force_login(worker2)
    assert client.get(compare_url(three_versions, "?a=1&b=3")).status_code == 404


def test_japanese_text_is_compared_character_by_character():
    old, new = text_diff("週に一回、散歩をしたい。", "週に二回、散歩をしたい。")
    assert [(s.kind, s.text) for s in old] == [
        ("equal", "週に"),
        ("delete", "一"),
        ("equal", "回、散歩をしたい。"),
    ]
    assert [(s.kind, s.text) for s in new] == [
        ("equal", "週に"),
        ("insert", "二"),
        ("equal", "回、散歩をしたい。"),
    ]


def test_rewritten_text_is_shown_as_removed_and_added_whole():
    old, new = text_diff("昼夜逆転を直したい。", "図書館に行く。")
    assert [s.kind for s in old] == ["delete"]
    assert [s.kind for s in new] == ["insert"]


def test_compared_text_is_escaped(client, worker1, case_c1):
    add_version(worker1, case_c1, 0, goals="<script>alert(1)</script>")
    add_version(worker1, case_c1, 1, goals="<b>外に出たい</b>")
    client.force_login(worker1)
    page = client.get(compare_url(case_c1, "?a=1&b=2")).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;b&gt;" in page
