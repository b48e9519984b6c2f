"""On PostgreSQL, trigram (pg_trgm) GIN indexes on Person.search_key and phone_key.

Person search matches `search_key LIKE '%…%'` (and `phone_key LIKE '%…%'` for digits), which a
btree cannot serve: at national scale
(100,000 persons) every search read the whole table. With this index PostgreSQL finds the rows
for three or more characters, and for the word starts that shorter searches match
(people.selectors.person_search). pg_trgm ships with PostgreSQL and is a trusted extension
(13+), so the database owner may create it. Where it cannot be created, the migration says so
and goes on: search still works, only slower. SQLite needs nothing (a city's few thousand
persons are read in a few milliseconds).
"""

import sys

from django.db import DatabaseError, migrations, transaction

INDEXES = {"person_search_key_trgm": "search_key", "person_phone_key_trgm": "phone_key"}


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("people", "Person")._meta.db_table
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        sys.stderr.write(
            f"\nNote: the pg_trgm extension could not be created ({error}).\n"
            "Person search works without it but reads every person. Ask the database "
            "administrator to run CREATE EXTENSION pg_trgm; in this database, then run "
            "`yorisoi migrate people 0003` and `yorisoi migrate` again.\n"
        )
        return
    # Not CONCURRENTLY: that cannot run inside the migration's transaction. Building them takes
    # a second or two per 100,000 persons, holding writes to the person table meanwhile.
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {schema_editor.quote_name(table)} "
            f"USING gin ({column} gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_consent"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
