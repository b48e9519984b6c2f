"""Audit events record which fields changed, never the sensitive values themselves."""

from __future__ import annotations

import json

from yorisoi.audit.models import AuditEvent
from yorisoi.cases import services as case_services
from yorisoi.cases.models import Case, Consulter, Method
from yorisoi.people import services

PHONE = "090-4321-8765"
PHONE_DIGITS = "09043218765"
SECRETS = {
    "address": "北区秘密町1-2-3",
    "contact_preferences": "夜だけ電話可",
    "email": "hidden@example.jp",
    "line_user_id": "Uabcdef0123456789",
}


def _all_audit_text() -> str:
    rows = AuditEvent.objects.values_list("changes", "reason")
    return "\n".join(json.dumps(changes, ensure_ascii=False) + reason for changes, reason in rows)


def _assert_absent(*values: str) -> None:
    text = _all_audit_text()
    for value in values:
        assert value not in text, value


def test_new_person_by_intake_keeps_phone_and_address_out_of_the_log(worker1, center1):
    case_services.intake_record(
        user=worker1,
        center=center1,
        person_data={"family_name_kana": "ひみつ", "phone": PHONE, **SECRETS},
        consulter=Consulter.SELF,
        method=Method.PHONE,
        note="自室から出られない日が続く",
        follow_up="来週また電話",
    )
    _assert_absent(PHONE, PHONE_DIGITS, "4321", *SECRETS.values())
    _assert_absent("自室から出られない日が続く", "来週また電話")


def test_person_update_keeps_old_and_new_phone_out_of_the_log(worker1, center1):
    contact = case_services.intake_record(
        user=worker1,
        center=center1,
        person_data={"family_name_kana": "ひみつ", "phone": PHONE},
        consulter=Consulter.SELF,
        method=Method.PHONE,
    )
    person = Case.objects.get(pk=contact.case_id).person
    services.person_update(
        user=worker1,
        person=person,
        data={"phone": "080-1357-2468", "address": "南区1-1"},
        expected_version=person.version,
    )
    _assert_absent(PHONE_DIGITS, "08013572468", "080-1357-2468", "南区1-1")


def test_household_member_phone_and_note_stay_out_of_the_log(worker1, center1):
    contact = case_services.intake_record(
        user=worker1,
        center=center1,
        person_data={"family_name_kana": "ひみつ"},
        consulter=Consulter.SELF,
        method=Method.PHONE,
    )
    person = Case.objects.get(pk=contact.case_id).person
    member = services.household_member_add(
        user=worker1,
        person=person,
        data={"relationship": "father", "phone": "03-9999-0000", "note": "父は飲酒で荒れる"},
    )
    services.household_member_update(
        user=worker1, member=member, data={"phone": "03-8888-1111", "note": "通院を始めた"}
    )
    services.household_member_remove(user=worker1, member=member)
    _assert_absent("9999", "8888", "父は飲酒で荒れる", "通院を始めた")


def test_contact_plan_and_risk_texts_stay_out_of_the_log(worker1, center1):
    contact = case_services.intake_record(
        user=worker1,
        center=center1,
        person_data={"family_name_kana": "ひみつ"},
        consulter=Consulter.SELF,
        method=Method.PHONE,
    )
    case = Case.objects.get(pk=contact.case_id)
    second = case_services.contact_record(
        user=worker1,
        case=case,
        method=Method.HOME_VISIT,
        consulter=Consulter.SELF,
        note="ドア越しに死にたいと話した",
        follow_up="保健師と同行訪問",
    )
    case_services.contact_update(
        user=worker1,
        contact=second,
        data={"note": "訂正：消えたいと話した", "follow_up": "精神保健福祉センターへ"},
        expected_version=second.version,
    )
    case_services.case_set_risk(
        user=worker1, case=case, flags={"self_harm": True}, note="リストカットの跡"
    )
    case_services.plan_version_create(
        user=worker1,
        case=case,
        data={"goals": "夜に散歩できるようになりたい", "planned_supports": "月2回の訪問"},
    )
    _assert_absent(
        "死にたい",
        "消えたい",
        "保健師と同行訪問",
        "精神保健福祉センターへ",
        "リストカット",
        "夜に散歩",
        "月2回の訪問",
    )
