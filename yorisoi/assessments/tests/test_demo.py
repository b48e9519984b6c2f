"""The demo loader adds fictional assessments once, with a single report awaiting a manager."""

from __future__ import annotations

from yorisoi.assessments.demo import load_demo_assessments
from yorisoi.assessments.models import Assessment, RiskEscalation

from .factories import make_case


def test_demo_assessments_are_loaded_once(worker1, center1):
    for _ in range(4):
        make_case(worker1, center1)
    load_demo_assessments()
    count = Assessment.objects.count()
    assert count >= 6
    assert Assessment.objects.filter(status=Assessment.Status.DRAFT).count() == 1
    assert RiskEscalation.objects.count() == 1
    load_demo_assessments()
    assert Assessment.objects.count() == count
