#!/usr/bin/env python
"""Fiscal-year statistics benchmark (DESIGN.md, "Performance budgets": one fiscal year's full
statistics for 200,000 contacts in under a second).

    python bench/bench_statistics.py [--contacts 200000] [--repeat 7]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yorisoi_bench_stats \
        python bench/bench_statistics.py

Data: the case generator of `yorisoi generate` (cases/management/commands/generate.py), run
with a preset of its own whose whole span is one past fiscal year, so that every generated
contact falls in that 年度 (default 200,000 contacts for 10,000 persons at 2 centers). With
--years 2 the data spans that year and the one before (twice the contacts and persons), so the
comparison with the previous year has as much to read as the year itself. The contacts are
then stored in the order they happened, as in a real database (time_order_contacts). The database
defaults to var/bench-stats.sqlite3 (var/bench-stats-2y.sqlite3 with --years 2); its name must
contain "bench". Later runs reuse the data; delete the file to start again.

Timed, warm, in one process, over --repeat runs (median and worst):
  - the full statistics of that fiscal year for all centers (every breakdown, monthly trend,
    comparison with the previous year: reports.stats.fiscal_year_statistics), the same with
    the report tables built (exact, and masked for publication: with the masks and audit
    cached for the figures' fingerprint, and computed afresh, LPs and all), and the statistics
    page;
  - data floor A: raw SQL through cursor.execute making the least any answer needs, one pass
    over the year's contacts counting them and the distinct persons of their cases;
  - floor B: the statistics' own SQL statements replayed raw, without Python around them;
and the ratios. Budget: under 1 s, and within 3x the data floor. Each figure is
printed with wall-clock and process CPU time, timed in turns with the floors so that a busy
machine slows them alike, and with a calibration loop showing how fast the machine is.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=200_000)
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--centers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs (after one warm-up)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--years",
        type=int,
        default=1,
        choices=[1, 2],
        help="fiscal years of data: 1 (the measured year only) or 2 (the previous year too, "
        "so the comparison has as much to read as the year itself; var/bench-stats-2y.sqlite3)",
    )
    return parser.parse_args(argv)


def configure_environment(years: int = 1) -> str:
    filename = "bench-stats.sqlite3" if years == 1 else f"bench-stats-{years}y.sqlite3"
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'var' / filename}"
    os.environ["DATABASE_URL"] = url
    parsed = urlparse(url)
    name = Path(parsed.path).name if parsed.scheme.startswith("sqlite") else parsed.path[1:]
    if "bench" not in name:
        sys.exit(f"Refusing to use {name!r}: the database name must contain 'bench'.")
    if parsed.scheme.startswith("postgres"):
        from run import ensure_postgres_database  # bench/run.py

        ensure_postgres_database(parsed)
    (ROOT / "var").mkdir(exist_ok=True)
    os.environ.setdefault("YORISOI_ENCRYPTION_KEY_FILE", str(ROOT / "var" / "bench.key"))
    os.environ.setdefault("YORISOI_REQUIRE_2FA", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yorisoi.settings")
    return url


def bench_fiscal_year() -> int:
    """The last fiscal year that has ended: its whole span lies in the past."""
    from django.utils import timezone

    from yorisoi.core.japanese import fiscal_year

    return fiscal_year(timezone.localdate()) - 1


def prepare(args) -> None:
    from django.core.management import call_command
    from django.core.management.base import OutputWrapper

    from yorisoi.accounts.models import Membership, Role
    from yorisoi.cases.management.commands.generate import (
        Generator,
        Preset,
        Progress,
        generated_centers,
    )
    from yorisoi.cases.models import Contact
    from yorisoi.core.japanese import fiscal_year_bounds

    class SameCenters(Generator):
        """The generator again, for another year, at the centers a first run made."""

        def make_staff(self) -> None:
            self.centers = list(generated_centers().order_by("id"))
            self.workers = {
                c.pk: list(
                    Membership.objects.filter(center=c, role=Role.WORKER).values_list(
                        "user_id", flat=True
                    )
                )
                for c in self.centers
            }

    call_command("migrate", verbosity=0)
    call_command("initkey", verbosity=0)
    if Contact.objects.filter(center__in=generated_centers()).exists():
        return
    fy = bench_fiscal_year()
    for n, year in enumerate(range(fy - args.years + 1, fy + 1)):
        first, last = fiscal_year_bounds(year)
        print(
            f"Generating {args.persons:,} persons and {args.contacts:,} contacts in 年度 {year} "
            f"({first} – {last})…",
            file=sys.stderr,
        )
        generator = (SameCenters if n else Generator)(
            preset=Preset(
                persons=args.persons,
                contacts=args.contacts,
                years=1,
                centers=args.centers,
                workers_per_center=6,
            ),
            seed=args.seed + n,
            centers=args.centers,
            batch_size=5000,
            progress=Progress(args.persons + args.contacts, stream=OutputWrapper(sys.stderr)),
        )
        # The generator spreads cases from `start` to `today`; pinning both to the fiscal
        # year's first and last day puts every contact, intake and closure inside it.
        generator.start = first
        generator.today = last
        generator.span_days = (last - first).days
        generator.run()
    print("Putting the contacts in the order they happened…", file=sys.stderr)
    time_order_contacts()


def time_order_contacts() -> None:
    """Store contacts in the order they happened, as a center's records accumulate.

    The generator writes each batch of persons with all their contacts, so a year's contacts
    lie scattered over the whole table, which no real database looks like and which makes
    every read of a date range slower than it would be. SQLite keeps rows in id order, so the
    ids are renumbered by time (and the references to them with it); PostgreSQL is CLUSTERed on
    the (center, occurred_at) index.
    """
    from django.db import connection, transaction

    from yorisoi.cases.models import Contact

    table = connection.ops.quote_name(Contact._meta.db_table)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"CLUSTER {table} USING contact_center_when_idx")
            cursor.execute(f"ANALYZE {table}")
        return
    references = [
        (related.related_model._meta.db_table, related.field.column)
        for related in Contact._meta.related_objects
        if related.field.many_to_one or related.field.one_to_one
    ]
    through = Contact.workers.through
    references.append((through._meta.db_table, through._meta.get_field("contact").column))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE contact_order AS SELECT id AS old, "
            f"ROW_NUMBER() OVER (ORDER BY occurred_at, id) AS new FROM {table}"
        )
        cursor.execute("CREATE UNIQUE INDEX contact_order_old ON contact_order (old)")
        cursor.execute(f"SELECT MAX(id) FROM {table}")
        (offset,) = cursor.fetchone()
        cursor.execute(f"UPDATE {table} SET id = id + %s", [offset])
        cursor.execute(
            f"UPDATE {table} SET id = (SELECT new FROM contact_order WHERE old = {table}.id - %s)",
            [offset],
        )
        for other, column in references:
            other, column = connection.ops.quote_name(other), connection.ops.quote_name(column)
            # Negated first, so no row takes an id another still holds (unique constraints).
            cursor.execute(f"UPDATE {other} SET {column} = -{column} WHERE {column} IS NOT NULL")
            cursor.execute(
                f"UPDATE {other} SET {column} = "
                f"(SELECT new FROM contact_order WHERE old = -{other}.{column}) "
                f"WHERE {column} IS NOT NULL"
            )
        cursor.execute("DROP TABLE contact_order")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")
        cursor.execute("ANALYZE")


# --- measuring ---------------------------------------------------------------------------------


def timed_together(functions: dict, repeat: int) -> dict[str, dict]:
    """Time several functions in turns (A, B, C, A, B, C, ...), so that a busy machine slows
    them alike and their ratios stay meaningful; wall-clock and process CPU time."""
    for fn in functions.values():
        fn()  # warm-up: caches, connection, database pages
    walls = {name: [] for name in functions}
    cpus = {name: [] for name in functions}
    for _ in range(repeat):
        for name, fn in functions.items():
            w, c = time.perf_counter(), time.process_time()
            fn()
            walls[name].append(time.perf_counter() - w)
            cpus[name].append(time.process_time() - c)
    return {
        name: {
            "median": statistics.median(walls[name]),
            "worst": max(walls[name]),
            "cpu": statistics.median(cpus[name]),
        }
        for name in functions
    }


def calibration() -> float:
    """Seconds a fixed pure-Python loop takes here: how fast (or busy) this machine is."""
    started = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return time.perf_counter() - started


def floor_sql(center_ids: list[int], fy: int) -> tuple[str, list]:
    """The least any answer needs: one pass over the year's contacts, counting them and the
    distinct persons of their cases."""
    from datetime import timedelta

    from django.db import connection

    from yorisoi.cases.models import Case, Contact
    from yorisoi.core.japanese import fiscal_year_bounds
    from yorisoi.reports.stats import local_start

    first, last = fiscal_year_bounds(fy)
    start = connection.ops.adapt_datetimefield_value(local_start(first))
    end = connection.ops.adapt_datetimefield_value(local_start(last + timedelta(days=1)))
    marks = ", ".join(["%s"] * len(center_ids))
    sql = (
        f"SELECT COUNT(*), COUNT(DISTINCT c.person_id) FROM {Contact._meta.db_table} k "
        f"LEFT JOIN {Case._meta.db_table} c ON c.id = k.case_id "
        f"WHERE k.center_id IN ({marks}) AND k.occurred_at >= %s AND k.occurred_at < %s"
    )
    return sql, [*center_ids, start, end]


def raw(statements: list[tuple[str, list | None]]):
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run


def line(label: str, figure: dict, floor: dict | None = None) -> str:
    ratio = f"{figure['median'] / floor['median']:9.2f}x" if floor else ""
    return (
        f"{label:46} {figure['median'] * 1000:8.0f}ms {figure['worst'] * 1000:8.0f}ms "
        f"{figure['cpu'] * 1000:8.0f}ms {ratio}"
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    configure_environment(args.years)
    import django

    django.setup()

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from yorisoi.accounts.models import Membership, Role, User
    from yorisoi.cases.management.commands.generate import generated_centers
    from yorisoi.reports.stats import fiscal_year_statistics
    from yorisoi.reports.tables import build_report

    prepare(args)
    fy = bench_fiscal_year()
    center_ids = list(generated_centers().order_by("id").values_list("id", flat=True))

    def compute():
        return fiscal_year_statistics(fiscal_year=fy, center_ids=center_ids, is_city=False)

    with CaptureQueriesContext(connection) as captured:
        result = compute()
    # The same statements, replayed raw (parameters already in the logged SQL).
    same_sql = [(q["sql"], None) for q in captured.captured_queries]

    analyst, _created = User.objects.get_or_create(
        username="bench-stats-analyst", defaults={"display_name": "bench analyst"}
    )
    Membership.objects.get_or_create(user=analyst, center=None, role=Role.ANALYST)
    client = Client(raise_request_exception=True)
    client.force_login(analyst)
    page_url = f"/reports/?year={fy}&center=all"
    assert client.get(page_url).status_code == 200

    results = timed_together(
        {
            "full": compute,
            "exact": lambda: build_report(compute(), publication=False),
            "publication": lambda: build_report(compute(), publication=True),
            "publication_cold": lambda: (cache.clear(), build_report(compute(), publication=True)),
            "page": lambda: client.get(page_url),
            "floor_a": raw([floor_sql(center_ids, fy)]),
            "floor_b": raw(same_sql),
        },
        args.repeat,
    )
    floor_a, floor_b = results["floor_a"], results["floor_b"]
    figures = [
        ("full statistics (fiscal_year_statistics)", results["full"]),
        ("  + report tables (exact)", results["exact"]),
        ("  + report tables (publication, masks cached)", results["publication"]),
        ("  + report tables (publication, LP masks+audit)", results["publication_cold"]),
        ("statistics page (analyst, all centers)", results["page"]),
    ]
    print(
        f"Yorisoi statistics bench on {connection.vendor} ({connection.settings_dict['NAME']}): "
        f"年度 {fy}, {result.totals['contacts']:,} contacts and {result.totals['persons']:,} "
        f"persons at {len(center_ids)} centers (previous year beside it: "
        f"{result.totals['prev_contacts']:,} contacts); {len(same_sql)} SQL statements; "
        f"median of {args.repeat} runs after one warm-up."
    )
    print(
        f"Machine: a 5,000,000-step Python loop takes {calibration():.2f} s here "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)."
    )
    print(f"{'':46} {'median':>10} {'worst':>10} {'CPU':>10} {'x floor A':>10}")
    for label, figure in figures:
        print(line(label, figure, floor_a))
    print(line("floor A: one pass (count + distinct persons)", floor_a))
    print(line(f"floor B: the same {len(same_sql)} statements, raw SQL", floor_b))
    full = figures[0][1]
    print(
        f"One fiscal year's full statistics for {result.totals['contacts']:,} contacts: "
        f"{full['median'] * 1000:.0f} ms median (budget 1,000 ms: "
        f"{'met' if full['median'] < 1 else 'NOT met'}), {full['median'] / floor_a['median']:.2f}x "
        f"the one-pass floor A (aim 3x; CPU {full['cpu'] / floor_a['cpu']:.2f}x), "
        f"{full['median'] / floor_b['median']:.2f}x the raw statements (floor B)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
