"""The fixed list of metrics a target (計画目標) can follow.

Internal metrics are computed by the statistics (stats.py) from case work; external metrics come
from outside the system (a vendor's access log, the portal's page views, posters counted by
staff) and are entered per month by a manager (ExternalFigure). Both count the same way: summed
over the months of a fiscal year or plan period, except 実人数, which is distinct over the whole
period.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    CONTACTS = "contacts", _("相談件数（延べ件数）")
    PERSONS = "persons", _("相談実人数")
    NEW_CASES = "new_cases", _("新規受付件数")
    HOME_VISITS = "home_visits", _("訪問・アウトリーチ件数")
    METAVERSE_CONTACTS = "metaverse_contacts", _("メタバースでの相談件数")
    AGENCY_CONSULTATIONS = "agency_consultations", _("関係機関からの相談件数")
    REFERRALS = "referrals", _("関係機関への紹介件数")
    SOCIAL_PARTICIPATION = "social_participation", _("社会参加による終結件数")
    METAVERSE_ACCESS = "metaverse_access", _("オンライン居場所（メタバース）アクセス数")
    PORTAL_PAGE_VIEWS = "portal_page_views", _("ポータルサイト閲覧数")
    POSTERS_PLACED = "posters_placed", _("ポスター掲示数")
    FAMILY_CLASS_PARTICIPANTS = "family_class_participants", _("家族教室参加者数")


EXTERNAL_METRICS = (
    Metric.METAVERSE_ACCESS,
    Metric.PORTAL_PAGE_VIEWS,
    Metric.POSTERS_PLACED,
    Metric.FAMILY_CLASS_PARTICIPANTS,
)
INTERNAL_METRICS = tuple(m for m in Metric if m not in EXTERNAL_METRICS)
# Metrics whose figure for a period is not the sum of its months (a person counts once).
DISTINCT_METRICS = (Metric.PERSONS,)


def external_choices() -> list[tuple[str, str]]:
    return [(m.value, m.label) for m in EXTERNAL_METRICS]


def is_external(metric: str) -> bool:
    return metric in {m.value for m in EXTERNAL_METRICS}
