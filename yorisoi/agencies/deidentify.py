"""De-identified case summaries for case conferences (事例検討).

A summary is built only from coded facts of the case — age band, sex, household relationships
with age bands, statuses, phases, methods, plan versions, referral kinds — with every date
turned into months after the first consultation (「初回相談から3か月後」). No free text of
the record (notes, contact summaries, goals), no name, reading, nickname, phone number, e-mail,
address, ward or exact date is copied. As a last guard, every identifier the case holds is
blotted out of the generated text wherever it might happen to appear.

The worker then reviews and edits the draft; find_identifiers() checks the edited text again
before it may be shared.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi.cases.models import (
    Case,
    CaseChange,
    ClosureReason,
    Consulter,
    Contact,
    Method,
    Phase,
    PlanVersion,
    Status,
)
from yorisoi.core.japanese import normalize_kana
from yorisoi.people import selectors as people_selectors
from yorisoi.people.models import AgeBand, Relationship, Sex, band_for_age

from .models import AgencyKind, Referral, ReferralKind, ReferralStatus

MARK = "■■"
# Honorifics after which even a one-character name is a name (林さん, 森くん).
HONORIFICS = ("さん", "くん", "ちゃん", "君", "様", "氏", "殿")

_DATE_PATTERNS = (
    # 2024-04-01, 2024/4/1, 2024.4.1, 2024年4月1日
    re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}"),
    # 令和6年4月1日, R6.4.1, 平成元年4月1日
    re.compile(
        r"(令和|平成|昭和|大正|[RHST])\s*(\d{1,2}|元)\s*[年./]\s*\d{1,2}\s*[月./]\s*\d{1,2}"
    ),
    # 4月1日, 4/1
    re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*日"),
    re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}(?![\d/])"),
)
_PHONE_PATTERN = re.compile(r"\(?\d{2,5}\)?[\s-]?\d{1,4}[\s-]\d{3,4}|\d{10,11}")
_EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_DIGIT_RUN = re.compile(r"[\d()\-\s]{5,}")


@dataclass
class MemberFacts:
    relationship: str  # label
    age_band: str  # label
    lives_together: bool


@dataclass
class CaseFacts:
    """What a summary may say about a case: coded facts, and the identifiers to keep out."""

    first_contact_on: date
    today: date
    age_band: str = ""
    sex: str = ""
    members: list[MemberFacts] = field(default_factory=list)
    first_consulter: str = ""
    first_method: str = ""
    status: str = ""
    phase: str = ""
    closed_on: date | None = None
    closure_reason: str = ""
    risks: list[str] = field(default_factory=list)
    milestones: list[tuple[date, str]] = field(default_factory=list)
    method_counts: list[tuple[str, int]] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)


def months_between(start: date, day: date) -> int:
    months = (day.year - start.year) * 12 + day.month - start.month
    if day.day < start.day:
        months -= 1
    return max(months, 0)


def relative_month(start: date, day: date) -> str:
    """A date as months after the first consultation: 「初回相談から1年3か月後」."""
    months = months_between(start, day)
    if months == 0:
        return _("初回相談から1か月以内")
    years, rest = divmod(months, 12)
    if years and rest:
        return _("初回相談から%(years)s年%(months)sか月後") % {"years": years, "months": rest}
    if years:
        return _("初回相談から%(years)s年後") % {"years": years}
    return _("初回相談から%(months)sか月後") % {"months": rest}


def duration(months: int) -> str:
    years, rest = divmod(months, 12)
    if years and rest:
        return _("%(years)s年%(months)sか月") % {"years": years, "months": rest}
    if years:
        return _("%(years)s年") % {"years": years}
    if rest:
        return _("%(months)sか月") % {"months": rest}
    return _("1か月未満")


def build_summary(facts: CaseFacts) -> str:
    """The draft text of a de-identified summary. Pure: facts in, text out."""
    lines = [_("【事例の概要】（自動作成の下書きです。共有する前に必ず確認・修正してください）")]
    person = _("本人：%(age)s") % {"age": facts.age_band or AgeBand.UNKNOWN.label}
    if facts.sex:
        person += _("・%(sex)s") % {"sex": facts.sex}
    lines.append(person)
    if facts.members:
        parts = []
        for member in facts.members:
            where = _("同居") if member.lives_together else _("別居")
            parts.append(
                _("%(relationship)s（%(age)s・%(where)s）")
                % {"relationship": member.relationship, "age": member.age_band, "where": where}
            )
        lines.append(_("世帯：%(members)s") % {"members": _("、").join(parts)})
    else:
        lines.append(_("世帯：記録なし"))
    if facts.first_consulter or facts.first_method:
        lines.append(
            _("相談の始まり：%(who)sからの%(method)s")
            % {"who": facts.first_consulter or _("不明"), "method": facts.first_method}
        )
    end = facts.closed_on or facts.today
    span = duration(months_between(facts.first_contact_on, end))
    if facts.closed_on:
        lines.append(
            _("支援の期間：%(span)s（終結：%(reason)s）")
            % {"span": span, "reason": facts.closure_reason or _("理由の記録なし")}
        )
    else:
        lines.append(_("支援の期間：初回相談から%(span)s（継続中）") % {"span": span})
    lines.append(
        _("現在の状況：%(status)s／支援段階：%(phase)s")
        % {"status": facts.status, "phase": facts.phase}
    )
    if facts.risks:
        lines.append(_("配慮が必要なこと：%(risks)s") % {"risks": _("、").join(facts.risks)})
    lines.append("")
    lines.append(_("【経過】"))
    for day, text in sorted(facts.milestones, key=lambda m: m[0]):
        lines.append(
            _("・%(when)s：%(what)s")
            % {"when": relative_month(facts.first_contact_on, day), "what": text}
        )
    if facts.method_counts:
        total = sum(count for _label, count in facts.method_counts)
        counts = _("、").join(
            _("%(method)s %(count)s回") % {"method": label, "count": count}
            for label, count in facts.method_counts
        )
        lines.append("")
        lines.append(
            _("【相談・対応の回数】%(counts)s（計%(total)s回）")
            % {"counts": counts, "total": total}
        )
    lines.append("")
    lines.append(_("【本人・家族の様子と支援の内容】"))
    lines.append(
        _(
            "（担当者が記入してください。氏名・地名・学校名・勤務先・日付・珍しい経歴や出来事"
            "など、個人が特定される情報は書かないでください。）"
        )
    )
    lines.append("")
    lines.append(_("【検討したいこと】"))
    lines.append(_("（担当者が記入してください。）"))
    return scrub("\n".join(lines), facts.identifiers)


def _variants(value: str) -> list[str]:
    """A value as written, without spaces, and with its kana in the other script."""
    value = (value or "").strip()
    if not value:
        return []
    out = {value, re.sub(r"\s+", "", value), unicodedata.normalize("NFKC", value)}
    out.add(_to_katakana(value))
    out.add(_to_hiragana(value))
    return [v for v in out if v.strip()]


def _to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


def _to_hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text)


def scrub(text: str, identifiers) -> str:
    """Blot out every identifier (longest first) and anything shaped like a date, a phone
    number or an e-mail address."""
    tokens = sorted({t for t in identifiers if t and t.strip() and MARK[0] not in t}, key=len)
    for token in reversed(tokens):
        text = re.sub(re.escape(token), MARK, text, flags=re.IGNORECASE)
    for pattern in (*_DATE_PATTERNS, _EMAIL_PATTERN, _PHONE_PATTERN):
        text = pattern.sub(MARK, text)
    return text


# --- from the database -------------------------------------------------------------------------


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return ""


def _band_label(band: str) -> str:
    return _("年齢不明") if band == AgeBand.UNKNOWN else str(AgeBand(band).label)


def _consulter_label(contact: Contact) -> str:
    if contact.consulter == Consulter.FAMILY and contact.consulter_member_id:
        relationship = _label(Relationship, contact.consulter_member.relationship)
        return _("家族（%(relationship)s）") % {"relationship": relationship}
    return _label(Consulter, contact.consulter)


def identifier_groups(case: Case | None) -> list[tuple[str, list[str]]]:
    """(what it is, the strings that would give it away) for a case's person and family."""
    if case is None:
        return []
    person = case.person
    person_tokens: list[str] = []
    for value in (
        person.family_name,
        person.given_name,
        person.family_name_kana,
        person.given_name_kana,
        person.full_name,
        person.full_name_kana,
        person.nickname,
    ):
        person_tokens.extend(_variants(value))
    family_tokens: list[str] = []
    phones = [person.phone]
    members = list(person.household.members.all()) if person.household_id else []
    for member in members:
        family_tokens.extend(_variants(member.name))
        for part in re.split(r"\s+", (member.name or "").strip()):
            family_tokens.extend(_variants(part))
        phones.append(member.phone)
    phone_tokens: list[str] = []
    for phone in phones:
        if phone and phone.strip():
            phone_tokens.append(phone.strip())
            digits = "".join(ch for ch in unicodedata.normalize("NFKC", phone) if ch.isdigit())
            if digits:
                phone_tokens.append(digits)
    address_tokens = []
    if person.address:
        address_tokens.append(person.address.strip())
        address_tokens.extend(p for p in re.split(r"[\s、,，]+", person.address) if len(p) >= 3)
    return [
        (_("本人の氏名・よみ・呼び名"), person_tokens),
        (_("家族の氏名"), family_tokens),
        (_("電話番号"), phone_tokens),
        (_("メールアドレス"), [person.email] if person.email else []),
        (_("住所"), address_tokens),
        (_("居住区"), [person.ward] if person.ward else []),
    ]


def facts_from_case(case: Case, today: date | None = None) -> CaseFacts:
    """The coded facts of a case (a handful of queries, whatever its length)."""
    today = today or timezone.localdate()
    person = case.person
    contacts = list(
        Contact.objects.filter(case_id=case.pk)
        .select_related("consulter_member")
        .order_by("occurred_at", "id")
    )
    first = contacts[0] if contacts else None
    first_on = timezone.localtime(first.occurred_at).date() if first else case.opened_on
    first_on = min(first_on, case.opened_on)
    members = list(person.household.members.all()) if person.household_id else []
    facts = CaseFacts(
        first_contact_on=first_on,
        today=today,
        age_band=_band_label(person.effective_age_band(today)),
        sex=_label(Sex, person.sex) if person.sex != Sex.UNANSWERED else "",
        members=[
            MemberFacts(
                relationship=_label(Relationship, m.relationship),
                age_band=_band_label(band_for_age(m.current_age(today))),
                lives_together=m.lives_together,
            )
            for m in members
        ],
        first_consulter=_consulter_label(first) if first else "",
        first_method=_label(Method, first.method) if first else "",
        status=_label(Status, case.status),
        phase=_label(Phase, case.phase),
        closed_on=case.closed_on if case.status == Status.CLOSED else None,
        closure_reason=_label(ClosureReason, case.closure_reason),
        risks=list(case.risk_flags),
    )
    if people_selectors.aging_household(person, today):
        facts.risks.append(_("8050世帯（高齢の親と中高年の本人）"))
    milestones = facts.milestones
    if first:
        milestones.append((first_on, _("初回相談")))
    first_self = next((c for c in contacts if c.consulter == Consulter.SELF), None)
    if first_self is not None:
        milestones.append(
            (
                timezone.localtime(first_self.occurred_at).date(),
                _("本人と初めて話す（%(method)s）") % {"method": _label(Method, first_self.method)},
            )
        )
    first_visit = next((c for c in contacts if c.method == Method.HOME_VISIT), None)
    if first_visit is not None:
        milestones.append(
            (timezone.localtime(first_visit.occurred_at).date(), _("初めての訪問（アウトリーチ）"))
        )
    for change in CaseChange.objects.filter(
        case_id=case.pk, field__in=[CaseChange.Field.STATUS, CaseChange.Field.PHASE]
    ).order_by("changed_on", "id"):
        if change.field == CaseChange.Field.STATUS:
            if not change.old_value:
                continue
            text = _("状況が「%(status)s」に") % {"status": _label(Status, change.new_value)}
        else:
            text = _("支援段階が「%(phase)s」に") % {"phase": _label(Phase, change.new_value)}
        milestones.append((change.changed_on, text))
    for plan in PlanVersion.objects.filter(case_id=case.pk).order_by("number"):
        voice = _label(PlanVersion.Voice, plan.voice)
        if plan.number == 1:
            text = _("支援プランを作成（%(voice)s）") % {"voice": voice}
        else:
            text = _("支援プランを見直し（第%(number)s版）") % {"number": plan.number}
        milestones.append((timezone.localtime(plan.created_at).date(), text))
    for referral in (
        Referral.objects.filter(case_id=case.pk).select_related("agency").order_by("created_at")
    ):
        if referral.kind == ReferralKind.HANDOVER:
            where = _("他のセンター")
        else:
            where = _label(AgencyKind, referral.agency.kind)
        milestones.append(
            (
                timezone.localtime(referral.created_at).date(),
                _("%(where)sへ紹介（現在：%(status)s）")
                % {"where": where, "status": _label(ReferralStatus, referral.status)},
            )
        )
    counts = Counter(c.method for c in contacts)
    facts.method_counts = [
        (str(label), counts[value]) for value, label in Method.choices if counts.get(value)
    ]
    facts.identifiers = [t for _label_, tokens in identifier_groups(case) for t in tokens]
    return facts


def summary_for_case(case: Case, today: date | None = None) -> str:
    return build_summary(facts_from_case(case, today))


# --- the check before sharing ------------------------------------------------------------------


def _contains_name(folded_text: str, token: str) -> bool:
    folded = normalize_kana(token)
    if not folded:
        return False
    if len(folded) >= 2:
        return folded in folded_text
    # One character (林, 森) is a name only where it is used as one.
    return any(folded + normalize_kana(h) in folded_text for h in HONORIFICS)


def find_identifiers(text: str, case: Case | None) -> list[str]:
    """What in `text` could identify the person: the kinds found, in a fixed order, for the
    reviewer to fix. Names are compared folded (kana script, width, spaces), so 「ヤマダ」
    is found for a reading of 「やまだ」."""
    text = text or ""
    normalized = unicodedata.normalize("NFKC", text)
    folded = normalize_kana(text)
    digit_runs = [
        "".join(ch for ch in run if ch.isdigit()) for run in _DIGIT_RUN.findall(normalized)
    ]
    found: list[str] = []
    phone_label = _("電話番号")
    email_label = _("メールアドレス")
    for label, tokens in identifier_groups(case):
        hit = False
        for token in tokens:
            if label == phone_label:
                digits = "".join(ch for ch in unicodedata.normalize("NFKC", token) if ch.isdigit())
                hit = len(digits) >= 5 and any(digits in run for run in digit_runs)
            elif label == email_label:
                hit = token.lower() in normalized.lower()
            else:
                hit = _contains_name(folded, token)
            if hit:
                break
        if hit:
            found.append(label)
    if phone_label not in found and _PHONE_PATTERN.search(normalized):
        found.append(phone_label)
    if email_label not in found and _EMAIL_PATTERN.search(normalized):
        found.append(email_label)
    if any(p.search(normalized) for p in _DATE_PATTERNS):
        found.append(_("日付（年月日）"))
    return found
