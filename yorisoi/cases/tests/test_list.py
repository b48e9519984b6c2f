"""The filtered case list (/cases/)."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yorisoi.cases import services
from yorisoi.cases.models import Case

from .factories import make_case


def _names(response) -> list[str]:
    return [c.person.display_name for c in response.context["cases"]]


def test_worker_sees_the_cases_of_their_center_only(client, worker1, worker2, center1, center2):
    mine = make_case(worker1, center1, person_data={"family_name": "北野"})
    make_case(worker2, center2, person_data={"family_name": "南田"})
    client.force_login(worker1)
    response = client.get("/cases/")
    assert response.status_code == 200
    assert _names(response) == [mine.person.display_name]
    assert "南田" not in response.content.decode()


def test_filter_by_reading_folds_kana(client, worker1, center1):
    make_case(
        worker1, center1, person_data={"family_name_kana": "やまだ", "given_name_kana": "はなこ"}
    )
    make_case(worker1, center1, person_data={"family_name_kana": "すずき"})
    client.force_login(worker1)
    for typed in ("ヤマダ", "やまだ", "ﾔﾏﾀﾞ", "やま だ"):
        assert _names(client.get("/cases/", {"q": typed})) == ["やまだ はなこ"], typed


def test_filter_by_status_phase_worker_risk_and_overdue(
    client, worker1, worker1b, manager1, center1
):
    a = make_case(worker1, center1, person_data={"nickname": "A"})
    b = make_case(worker1b, center1, person_data={"nickname": "B"})
    c = make_case(worker1, center1, person_data={"nickname": "C"})
    services.case_change_status(user=worker1, case=a, status="support")
    services.case_change_phase(user=worker1b, case=b, phase="group")
    services.case_set_risk(user=worker1, case=c, flags={"violence": True})
    services.case_change_status(user=worker1, case=c, status="closed", closure_reason="moved")
    Case.objects.filter(pk=b.pk).update(next_contact_on=timezone.localdate() - timedelta(days=1))
    client.force_login(worker1)

    def names(**params):
        return sorted(n.split("（")[0] for n in _names(client.get("/cases/", params)))

    assert names(status="support") == ["A"]
    assert names(status="open") == ["A", "B"]
    assert names(phase="group") == ["B"]
    assert names(worker="me") == ["A", "C"]
    assert names(worker=str(worker1b.pk)) == ["B"]
    assert names(risk="any") == ["C"]
    assert names(risk="violence") == ["C"]
    assert names(risk="abuse") == []
    assert names(overdue="on") == ["B"]
    services.case_assign(
        user=manager1, case=a, primary_worker=worker1, secondary_workers=[worker1b]
    )
    assert names(worker=str(worker1b.pk)) == ["A", "B"]
    body = client.get("/cases/", {"overdue": "on"}).content.decode()
    assert "超過" in body


def test_bad_filter_values_show_everything_with_an_error(client, worker1, case_c1):
    client.force_login(worker1)
    response = client.get("/cases/", {"status": "nonsense"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert len(response.context["cases"]) == 1


def test_fifty_cases_per_page(client, worker1, center1):
    for _ in range(51):
        make_case(worker1, center1)
    client.force_login(worker1)
    first = client.get("/cases/")
    assert len(first.context["cases"]) == 50
    assert "page=2" in first.content.decode()
    assert len(client.get("/cases/", {"page": 2}).context["cases"]) == 1


def _queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/cases/", params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_cases(client, worker1, worker1b, manager1, center1):
    first = make_case(
        worker1,
        center1,
        consulter_age=80,
        person_data={"age_band": "50s", "family_name_kana": "てすと"},
    )
    services.case_assign(
        user=manager1, case=first, primary_worker=worker1, secondary_workers=[worker1b]
    )
    client.force_login(worker1)
    _queries(client)
    one = _queries(client)
    for _ in range(9):
        case = make_case(
            worker1,
            center1,
            consulter_age=80,
            person_data={"age_band": "50s", "family_name_kana": "てすと"},
        )
        services.case_assign(
            user=manager1, case=case, primary_worker=worker1b, secondary_workers=[worker1]
        )
        services.case_set_risk(user=manager1, case=case, flags={"self_harm": True})
    assert _queries(client) == one
    filtered = client.get("/cases/", {"q": "テスト", "risk": "any"})
    assert len(filtered.context["cases"]) == 9
    assert _queries(client, {"q": "テスト", "risk": "any"}) == one
