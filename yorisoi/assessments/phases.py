"""Suggesting (never setting) a change of support phase from the latest assessment and the
recent contacts. Each suggestion carries its reasons, so the worker can judge it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from yorisoi.cases.models import Phase

RECENT_DAYS = 90
ROOM_BOUND = {"room_not_house", "rarely_room"}
# Answers of the outing instrument's first version (work_school_some_days) and of the second.
GOING_OUT = {
    "work_school_daily",
    "work_school_some_days",
    "work_school_3_4_days",
    "leisure_often",
    "social_sometimes",
}
GROUP_WISHES = {"try_ibasho", "someone_to_talk", "online_contact"}
PARTICIPATION_WISHES = {"short_work", "qualification", "study_again"}


@dataclass(frozen=True)
class Signals:
    """What the suggestion looks at. None means not measured."""

    phase: str
    has_assessment: bool = False
    outing_state: str | None = None
    k6_total: int | None = None
    risk_now: bool = False  # a risk rule fired on the latest assessment
    wishes: frozenset[str] = frozenset()
    contacts: int = 0  # contacts in the last RECENT_DAYS days
    self_contacts: int = 0  # of which with the person themself
    visits: int = 0  # of which the person came to the center or went out with a worker


@dataclass
class Suggestion:
    current: str
    target: str
    reasons: list[str] = field(default_factory=list)

    @property
    def current_label(self) -> str:
        return str(Phase(self.current).label)

    @property
    def target_label(self) -> str:
        return str(Phase(self.target).label)


def suggest(s: Signals) -> Suggestion | None:
    if s.phase in (Phase.GROUP, Phase.PARTICIPATION) and (
        s.risk_now or (s.k6_total is not None and s.k6_total >= 13)
    ):
        reasons = []
        if s.k6_total is not None and s.k6_total >= 13:
            reasons.append(
                _("最新のアセスメントで K6 が%(total)s点（13点以上）です。") % {"total": s.k6_total}
            )
        if s.risk_now:
            reasons.append(_("最新のアセスメントで安全にかかわる回答がありました。"))
        reasons.append(_("集団での活動より、個別の支援を厚くすることを検討できます。"))
        return Suggestion(s.phase, Phase.INDIVIDUAL, reasons)

    if s.phase == Phase.ENCOUNTER:
        if s.has_assessment and s.self_contacts >= 2:
            return Suggestion(
                s.phase,
                Phase.INDIVIDUAL,
                [
                    _("アセスメントが完了しています。"),
                    _("直近%(days)s日に本人との対応が%(n)s回あります。")
                    % {"days": RECENT_DAYS, "n": s.self_contacts},
                ],
            )
        return None

    if s.phase == Phase.INDIVIDUAL:
        if s.outing_state is None or s.outing_state in ROOM_BOUND:
            return None
        if s.k6_total is not None and s.k6_total >= 10:
            return None
        reasons = [_("最新のアセスメントでは、本人が家の外に出ることがあります。")]
        if s.k6_total is not None:
            reasons.append(_("K6 は%(total)s点で、10点未満です。") % {"total": s.k6_total})
        wished = s.wishes & GROUP_WISHES
        if s.visits >= 2:
            reasons.append(
                _("直近%(days)s日に、来所や同行での対応が%(n)s回あります。")
                % {"days": RECENT_DAYS, "n": s.visits}
            )
        elif wished:
            reasons.append(_("本人の希望に、人との交流や居場所にかかわるものがあります。"))
        else:
            return None
        return Suggestion(s.phase, Phase.GROUP, reasons)

    if s.phase == Phase.GROUP:
        if s.outing_state not in GOING_OUT:
            return None
        if s.k6_total is not None and s.k6_total >= 5:
            return None
        wished = s.wishes & PARTICIPATION_WISHES
        if not wished:
            return None
        reasons = [
            _("最新のアセスメントでは、人と会うためなどに外出しています。"),
            _("本人の希望に、働くことや学ぶことにかかわるものがあります。"),
        ]
        if s.k6_total is not None:
            reasons.insert(1, _("K6 は%(total)s点で、5点未満です。") % {"total": s.k6_total})
        return Suggestion(s.phase, Phase.PARTICIPATION, reasons)
    return None
