"""The consent check inside the referral machine: which consented kinds a referral may share,
and exactly what agreement is missing when it may not."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from yorisoi.people import selectors as people_selectors
from yorisoi.people.models import InfoKind


class ConsentMissing(ValidationError):
    """Sharing needs an agreement that is not on record. `missing` names the kinds."""

    def __init__(self, message: str, *, missing: list[str]):
        super().__init__(message, code="consent_missing")
        self.missing = list(missing)


def ordered_kinds(kinds) -> list[str]:
    wanted = set(kinds or [])
    return [k for k in InfoKind.values if k in wanted]


def kind_list(kinds) -> str:
    """「氏名・連絡先」、「相談の概要」 — the kinds as a message names them."""
    return _("、").join(
        _("「%(label)s」") % {"label": InfoKind(k).label} for k in ordered_kinds(kinds)
    )


def recipient_ids(*, agency=None, to_center=None) -> dict:
    if agency is not None:
        return {"agency_id": agency.pk}
    return {"center_id": to_center.pk}


def consented(*, person_id: int, agency=None, to_center=None) -> set[str]:
    return people_selectors.consented_kinds(
        person_id=person_id, **recipient_ids(agency=agency, to_center=to_center)
    )


def missing_kinds(*, person_id: int, kinds, agency=None, to_center=None, covered=()) -> list[str]:
    """The kinds to share that no consent in force covers (nor an emergency decision)."""
    allowed = consented(person_id=person_id, agency=agency, to_center=to_center) | set(covered)
    return [k for k in ordered_kinds(kinds) if k not in allowed]


def missing_message(*, person_id: int, missing, agency=None, to_center=None) -> str:
    """What the worker is told: to whom, which kinds, and why an earlier consent no longer
    counts (withdrawn on / ended on), so they know exactly what agreement to record."""
    recipient = agency if agency is not None else to_center
    message = _(
        "%(recipient)sに%(kinds)sを提供することへの本人または家族の同意が記録されていません。"
        "ケースの「同意」欄で、提供先・提供する情報・期間を本人（または家族）と確認し、"
        "同意を記録してください。"
    ) % {"recipient": recipient, "kinds": kind_list(missing)}
    lapsed = people_selectors.consent_lapsed(
        person_id=person_id, **recipient_ids(agency=agency, to_center=to_center)
    )
    if lapsed is not None:
        if lapsed.withdrawn_at is not None:
            day = date_format(timezone.localtime(lapsed.withdrawn_at).date(), "Y-m-d")
            message += _("（%(day)s に撤回された同意があります。）") % {"day": day}
        else:
            message += _("（%(day)s に期間が終わった同意があります。）") % {
                "day": date_format(lapsed.ends_on, "Y-m-d")
            }
    return message


def receiver_message() -> str:
    """What the receiving agency is told: never whose consent or why, only what to do."""
    return _(
        "この紹介で共有する情報について、本人の同意が確認できない状態になっています。"
        "紹介元のセンターにお問い合わせください。"
    )
