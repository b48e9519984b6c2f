"""Helpers (no tests) for the encryption tests: rows with sensitive text, and raw column reads."""

from __future__ import annotations

from django.db import connection

from yorisoi.cases.models import Case, Contact
from yorisoi.people.models import Person


def make_sensitive_rows(center, recorder, n: int = 3) -> list[tuple[Person, Contact]]:
    rows = []
    for i in range(n):
        person = Person.objects.create(nickname=f"テスト{i}", address=f"北区北{i}条西2丁目 秘密{i}")
        case = Case.objects.create(person=person, center=center, risk_note=f"リスクの詳細{i}")
        contact = Contact.objects.create(
            center=center,
            case=case,
            method="phone",
            consulter="family",
            note=f"母親から電話。本人は部屋から出ていない。記録{i}",
            recorded_by=recorder,
        )
        rows.append((person, contact))
    return rows


def raw_value(model, field_name: str, pk) -> str:
    field = model._meta.get_field(field_name)
    q = connection.ops.quote_name
    table, pk_column = q(model._meta.db_table), q(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {q(field.column)} FROM {table} WHERE {pk_column} = %s", [pk])
        return cursor.fetchone()[0]
