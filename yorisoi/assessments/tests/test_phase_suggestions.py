"""Suggest, never set, a change of support phase from the latest assessment and recent
contacts, with the reasons shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from yorisoi.assessments import phases, providers
from yorisoi.cases import services as case_services
from yorisoi.cases.models import Case, Consulter, Method, Phase

from .factories import OUTING_NARROW, assess, k6

S = phases.Signals


@pytest.mark.parametrize(
    ("signals", "target"),
    [
        # 出会い・評価 -> 個人支援: assessed and the person is in touch.
        (S(Phase.ENCOUNTER, has_assessment=True, self_contacts=2), Phase.INDIVIDUAL),
        (S(Phase.ENCOUNTER, has_assessment=True, self_contacts=1), None),
        (S(Phase.ENCOUNTER, has_assessment=False, self_contacts=5), None),
        # 個人支援 -> 集団・居場所: goes out, distress not high, visits or a wish for company.
        (S(Phase.INDIVIDUAL, outing_state="hobby_only", k6_total=6, visits=2), Phase.GROUP),
        (
            S(Phase.INDIVIDUAL, outing_state="nearby_store", wishes=frozenset({"try_ibasho"})),
            Phase.GROUP,
        ),
        (S(Phase.INDIVIDUAL, outing_state="nearby_store"), None),
        (S(Phase.INDIVIDUAL, outing_state="rarely_room", visits=4), None),
        (S(Phase.INDIVIDUAL, outing_state="hobby_only", k6_total=10, visits=4), None),
        (S(Phase.INDIVIDUAL, visits=4), None),
        # 集団・居場所 -> 社会参加の試行: out and about, low distress, a wish to work or study.
        (
            S(
                Phase.GROUP,
                outing_state="social_sometimes",
                k6_total=3,
                wishes=frozenset({"short_work"}),
            ),
            Phase.PARTICIPATION,
        ),
        (
            S(
                Phase.GROUP,
                outing_state="social_sometimes",
                k6_total=5,
                wishes=frozenset({"short_work"}),
            ),
            None,
        ),
        (S(Phase.GROUP, outing_state="hobby_only", wishes=frozenset({"short_work"})), None),
        # Severe distress or a safety answer: back to individual support.
        (S(Phase.GROUP, k6_total=13), Phase.INDIVIDUAL),
        (S(Phase.PARTICIPATION, risk_now=True), Phase.INDIVIDUAL),
        (S(Phase.PARTICIPATION, outing_state="work_school_some_days", k6_total=2), None),
    ],
)
def test_suggestion_rules(signals, target):
    suggestion = phases.suggest(signals)
    if target is None:
        assert suggestion is None
    else:
        assert suggestion.target == target
        assert suggestion.current == signals.phase
        assert suggestion.reasons and all(suggestion.reasons)


def test_reasons_name_the_evidence():
    suggestion = phases.suggest(
        S(Phase.INDIVIDUAL, outing_state="hobby_only", k6_total=6, visits=3)
    )
    text = " ".join(suggestion.reasons)
    assert "K6 は6点" in text
    assert "来所や同行での対応が3回" in text


def _section_html(user, case) -> str:
    request = RequestFactory().get(f"/cases/{case.pk}/")
    request.user = user
    section = providers.case_section(request, Case.objects.get(pk=case.pk))
    return render_to_string(section.template, {"section": section.context, "request": request})


def test_the_case_section_shows_a_suggestion_and_never_changes_the_phase(worker1, case_c1):
    assert case_c1.phase == Phase.ENCOUNTER
    for hours in (2, 3):
        case_services.contact_record(
            user=worker1,
            case=case_c1,
            method=Method.VISIT,
            consulter=Consulter.SELF,
            occurred_at=timezone.now() - timedelta(minutes=hours),
        )
    assess(worker1, case_c1, {"outing": OUTING_NARROW, "k6": k6(8)})
    html = _section_html(worker1, case_c1)
    assert "支援段階の提案" in html
    assert "いまの段階「出会い・評価」から「個人支援」への変更を検討できます。" in html
    assert "直近90日に本人との対応が2回あります。" in html
    assert "段階は変更されていません" in html
    assert Case.objects.get(pk=case_c1.pk).phase == Phase.ENCOUNTER


def test_no_suggestion_without_grounds(worker1, case_c1):
    html = _section_html(worker1, case_c1)
    assert "支援段階の提案" not in html
    assert "完了したアセスメントはまだありません。" in html
