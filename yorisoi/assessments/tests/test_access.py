"""Every URL of the app × every role, own and other center, and anonymous."""

from __future__ import annotations

import pytest

from yorisoi.assessments import catalog, services
from yorisoi.assessments.models import VocabularyTerm

from .factories import K6_TOTAL_8, SAFE, assess, post_data

USERS = [
    "worker1",
    "worker1b",
    "manager1",
    "worker2",
    "manager2",
    "peer1",
    "partner1",
    "analyst1",
    "admin_user",
]
EXTRA = """\
id: extra
version: 1
labels: {ja: 追加の尺度, en: Extra}
items:
  - {id: note, type: free_text, labels: {ja: メモ, en: Note}}
"""


@pytest.fixture
def world(worker1, manager1, center1, case_c1):
    complete = assess(worker1, case_c1, {"k6": K6_TOTAL_8}).assessment
    draft = assess(worker1, case_c1, {"safety": SAFE}, complete=False).assessment
    upload = services.definition_upload(
        user=manager1, center=center1, filename="extra.yaml", text=EXTRA
    )
    builtin = catalog.builtin_rows()["k6"]
    term = VocabularyTerm.objects.get(vocabulary="interests", code="games")
    return {
        "case": case_c1.pk,
        "complete": complete.pk,
        "draft": draft.pk,
        "upload": upload.pk,
        "builtin": builtin.pk,
        "term": term.pk,
    }


# (url template, {user: expected GET status}); users not listed get 404.
CASE_READ = {"worker1": 200, "worker1b": 200, "manager1": 200}
CASE_WRITE = {"worker1": 200, "manager1": 200, "worker1b": 403}
MANAGERS = {"manager1": 200, "manager2": 200}
MATRIX = [
    ("/assessments/case/{case}/", CASE_READ),
    ("/assessments/case/{case}/new/", CASE_WRITE),
    ("/assessments/{complete}/", CASE_READ),
    ("/assessments/{draft}/", CASE_READ),
    ("/assessments/{draft}/edit/", CASE_WRITE),
    ("/assessments/risk/{case}/acknowledge/", {"manager1": 200, "worker1": 403, "worker1b": 403}),
    ("/assessments/definitions/", MANAGERS),
    ("/assessments/definitions/{builtin}/", MANAGERS),
    ("/assessments/definitions/{upload}/", {"manager1": 200}),
    ("/assessments/settings/", MANAGERS),
    ("/assessments/vocabulary/", MANAGERS),
    ("/assessments/vocabulary/{term}/", MANAGERS),
]


@pytest.mark.parametrize("user_name", USERS)
@pytest.mark.parametrize(("template", "allowed"), MATRIX, ids=[m[0] for m in MATRIX])
def test_get_matrix(client, request, world, user_name, template, allowed):
    user = request.getfixturevalue(user_name)
    client.force_login(user)
    url = template.format(**world)
    assert client.get(url).status_code == allowed.get(user_name, 404), (user_name, url)


@pytest.mark.parametrize(("template", "_allowed"), MATRIX, ids=[m[0] for m in MATRIX])
def test_anonymous_is_sent_to_sign_in(client, world, template, _allowed):
    url = template.format(**world)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


WRITES = [
    ("/assessments/case/{case}/new/", CASE_WRITE),
    ("/assessments/{draft}/edit/", CASE_WRITE),
    ("/assessments/risk/{case}/acknowledge/", {"manager1": 302, "worker1": 403, "worker1b": 403}),
    ("/assessments/definitions/{upload}/active/", {"manager1": 302}),
    ("/assessments/vocabulary/{term}/", MANAGERS),
]


@pytest.mark.parametrize("user_name", USERS)
@pytest.mark.parametrize(("template", "allowed"), WRITES, ids=[w[0] for w in WRITES])
def test_post_matrix_writes_nothing_for_strangers(
    client, request, world, user_name, template, allowed
):
    from yorisoi.assessments.models import Assessment, InstrumentDefinition

    user = request.getfixturevalue(user_name)
    client.force_login(user)
    url = template.format(**world)
    data = post_data({"k6": K6_TOTAL_8}, action="draft", version="1")
    data.update({"label_ja": "ゲーム（改）", "label_en": "Games", "order": "5", "active": "0"})
    before = (
        Assessment.objects.count(),
        InstrumentDefinition.objects.get(pk=world["upload"]).is_active,
        VocabularyTerm.objects.get(pk=world["term"]).label_ja,
    )
    status = client.post(url, data).status_code
    expected = allowed.get(user_name, 404)
    if expected == 200:
        expected = 302  # a successful write redirects
    assert status == expected, (user_name, url, status)
    if expected in (403, 404):
        after = (
            Assessment.objects.count(),
            InstrumentDefinition.objects.get(pk=world["upload"]).is_active,
            VocabularyTerm.objects.get(pk=world["term"]).label_ja,
        )
        assert after == before


def test_post_definition_toggle_requires_post(client, manager1, world):
    client.force_login(manager1)
    response = client.get(f"/assessments/definitions/{world['upload']}/active/")
    assert response.status_code == 405


@pytest.mark.parametrize(("template", "_allowed"), WRITES, ids=[w[0] for w in WRITES])
def test_anonymous_posts_are_sent_to_sign_in_and_change_nothing(client, world, template, _allowed):
    from yorisoi.assessments.models import Assessment

    count = Assessment.objects.count()
    response = client.post(template.format(**world), post_data({"k6": K6_TOTAL_8}))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Assessment.objects.count() == count
