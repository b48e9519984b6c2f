#!/usr/bin/env python
"""Page benchmarks on generated data (DESIGN.md, "Performance budgets").

    python bench/run.py --preset city [--requests 50]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yorisoi_bench \
        python bench/run.py --preset national

Signs in a generated worker with the test Client's force_login and times, in one process:
  the worker home page (/), a case page (/cases/<id>/), kana search (/people/?q=<kana>) and a
  filtered case list (/cases/?status=support&worker=<id>): p50/p95 over repeated requests and
  the number of SQL queries per page;
beside
  (a) the framework floor: minimal signed-in pages served by the same process in the same run
      (a bare HttpResponse and a page rendering only base.html, added by a bench-only urlconf);
  (b) the data floor: raw SQL (cursor.execute + fetchall) giving the same rows the page shows;
and the process CPU time per request (cpu p50, x cpu: beside the base.html floor's), which a
busy machine inflates less than wall-clock time.

The database defaults to var/bench-<preset>.sqlite3. Its name must contain "bench" so the demo
or a real database is never touched. When it holds no generated data yet, the script migrates
it and runs `yorisoi generate --preset <preset>` first (a PostgreSQL database is created when
missing). See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="city", choices=["tiny", "city", "national"])
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page first")
    parser.add_argument("--seed", type=int, default=1, help="seed for generate")
    parser.add_argument("--worker", help="username of the generated worker to sign in as")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    return parser.parse_args(argv)


# --- database selection, before Django starts ---------------------------------------------------


def configure_environment(preset: str) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'var' / f'bench-{preset}.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    parsed = urlparse(url)
    name = Path(parsed.path).name if parsed.scheme.startswith("sqlite") else parsed.path[1:]
    if "bench" not in name:
        sys.exit(
            f"Refusing to benchmark on {name!r}: use a database whose name contains 'bench' "
            "(for example var/bench-city.sqlite3 or yorisoi_bench), never the demo or a real one."
        )
    if parsed.scheme.startswith("postgres"):
        ensure_postgres_database(parsed)
    (ROOT / "var").mkdir(exist_ok=True)
    # Generated notes are encrypted; the bench databases share one key file of their own.
    os.environ.setdefault("YORISOI_ENCRYPTION_KEY_FILE", str(ROOT / "var" / "bench.key"))
    os.environ.setdefault("YORISOI_REQUIRE_2FA", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yorisoi.settings")
    return url


def ensure_postgres_database(parsed) -> None:
    import psycopg
    from psycopg import sql

    dbname = unquote(parsed.path[1:])
    params = {
        "host": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 5432,
        "user": unquote(parsed.username or "postgres"),
        "dbname": "postgres",
        "autocommit": True,
    }
    if parsed.password:
        params["password"] = unquote(parsed.password)
    with psycopg.connect(**params) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
            print(f"Created PostgreSQL database {dbname}.", file=sys.stderr)


# --- the bench-only pages (the framework floor) --------------------------------------------------


def install_floor_urls() -> None:
    """A urlconf with two minimal signed-in pages in front of the project's own URLs."""
    import types

    from django.conf import settings
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.template import engines
    from django.urls import clear_url_caches, include, path

    page = engines["django"].from_string(
        '{% extends "base.html" %}{% block content %}<h1>floor</h1>{% endblock %}'
    )

    @login_required
    def plain(request):
        return HttpResponse("ok")

    @login_required
    def base_page(request):
        return HttpResponse(page.render({}, request))

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [
        path("__bench__/plain", plain),
        path("__bench__/page", base_page),
        path("", include(settings.ROOT_URLCONF)),
    ]
    sys.modules["bench_urls"] = module
    settings.ROOT_URLCONF = "bench_urls"
    clear_url_caches()


# --- measuring ---------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * share
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def time_page(client, url: str, requests: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    result = {"url": url, "status": response.status_code}
    if response.status_code != 200:
        return result
    for _ in range(warmup):
        client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    result["queries"] = len(captured.captured_queries)
    samples, cpu = [], []
    for _ in range(requests):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        if response.status_code != 200:
            result["status"] = response.status_code
            return result
    result["p50"] = statistics.median(samples)
    result["p95"] = percentile(samples, 0.95)
    # This process's CPU time: what a busy machine inflates least (SQLite's work is in it,
    # a PostgreSQL server's is not).
    result["cpu_p50"] = statistics.median(cpu)
    return result


def time_sql(statements: list[tuple[str, list]], requests: int, warmup: int) -> dict:
    """The same answer straight from the database: every statement executed and fetched."""
    from django.db import connection

    def once():
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    for _ in range(warmup):
        once()
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        once()
        samples.append((time.perf_counter() - started) * 1000)
    return {"p50": statistics.median(samples), "p95": percentile(samples, 0.95)}


# --- the raw SQL for each page ----------------------------------------------------------------


def tables():
    from yorisoi.accounts.models import Center, User
    from yorisoi.cases.models import Case, CaseChange, Contact, PlanVersion
    from yorisoi.people.models import HouseholdMember, Person

    return {
        "case": Case._meta.db_table,
        "secondary": Case.secondary_workers.through._meta.db_table,
        "person": Person._meta.db_table,
        "member": HouseholdMember._meta.db_table,
        "center": Center._meta.db_table,
        "user": User._meta.db_table,
        "contact": Contact._meta.db_table,
        "contact_workers": Contact.workers.through._meta.db_table,
        "change": CaseChange._meta.db_table,
        "plan": PlanVersion._meta.db_table,
    }


CASE_COLUMNS = (
    "c.id, c.status, c.phase, c.opened_on, c.next_contact_on, c.last_contact_at, "
    "c.primary_assigned_at, c.primary_worker_id, c.risk_self_harm, c.risk_violence, "
    "c.risk_abuse, c.risk_no_medical"
)
PERSON_COLUMNS = (
    "p.family_name, p.given_name, p.family_name_kana, p.given_name_kana, p.nickname, "
    "p.birth_date, p.age_band, p.household_id"
)


def home_sql(t, *, worker_id: int, center_ids: list[int], today, quiet_before, new_since):
    open_mine = (
        f"c.center_id IN ({', '.join(['%s'] * len(center_ids))}) AND c.status <> 'closed' "
        f"AND (c.primary_worker_id = %s OR c.id IN "
        f"(SELECT s.case_id FROM {t['secondary']} s WHERE s.user_id = %s))"
    )
    review = (
        f"(SELECT pv.review_on FROM {t['plan']} pv WHERE pv.case_id = c.id "
        "ORDER BY pv.number DESC LIMIT 1)"
    )
    base = [*center_ids, worker_id, worker_id]
    rows = (
        f"SELECT {CASE_COLUMNS}, {PERSON_COLUMNS}, ce.name, {review} AS review_on "
        f"FROM {t['case']} c JOIN {t['person']} p ON p.id = c.person_id "
        f"JOIN {t['center']} ce ON ce.id = c.center_id WHERE {open_mine} AND ("
        "c.next_contact_on <= %s OR c.next_contact_on IS NULL OR c.last_contact_at < %s "
        f"OR {review} <= %s OR c.primary_assigned_at >= %s OR c.risk_self_harm "
        "OR c.risk_violence OR c.risk_abuse OR c.risk_no_medical)"
    )
    count = f"SELECT COUNT(*) FROM {t['case']} c WHERE {open_mine}"
    return [
        (rows, [*base, today, quiet_before, today, new_since]),
        (count, base),
    ]


def case_sql(t, *, case_id: int, household_id, limit: int = 31):
    """The first page of the timeline (30 entries and one to know there are more)."""
    statements = [
        (
            f"SELECT c.*, {PERSON_COLUMNS}, ce.name, u.username FROM {t['case']} c "
            f"JOIN {t['person']} p ON p.id = c.person_id "
            f"JOIN {t['center']} ce ON ce.id = c.center_id "
            f"LEFT JOIN {t['user']} u ON u.id = c.primary_worker_id WHERE c.id = %s",
            [case_id],
        ),
        (
            f"SELECT k.*, u.username FROM {t['contact']} k "
            f"JOIN {t['user']} u ON u.id = k.recorded_by_id WHERE k.case_id = %s "
            "ORDER BY k.occurred_at DESC, k.id DESC LIMIT %s",
            [case_id, limit],
        ),
        (
            f"SELECT w.contact_id, w.user_id FROM {t['contact_workers']} w WHERE w.contact_id IN "
            f"(SELECT k.id FROM {t['contact']} k WHERE k.case_id = %s "
            "ORDER BY k.occurred_at DESC, k.id DESC LIMIT %s)",
            [case_id, limit],
        ),
        (
            # All of them, as the page reads them (a case has few).
            f"SELECT * FROM {t['change']} WHERE case_id = %s ORDER BY changed_at DESC, id DESC",
            [case_id],
        ),
        (
            f"SELECT * FROM {t['plan']} WHERE case_id = %s ORDER BY created_at DESC, id DESC "
            "LIMIT %s",
            [case_id, limit],
        ),
    ]
    if household_id:
        statements.append((f"SELECT * FROM {t['member']} WHERE household_id = %s", [household_id]))
    return statements


def search_sql(t, *, key: str, center_ids: list[int], limit: int = 50):
    from yorisoi.core.japanese import normalize_kana
    from yorisoi.people.selectors import MIN_ANYWHERE_CHARS

    key = normalize_kana(key)
    marks = ", ".join(["%s"] * len(center_ids))
    # As people.selectors.search_key_matches: anywhere, or for a short key a word start.
    if len(key) >= MIN_ANYWHERE_CHARS:
        match, likes = "p.search_key LIKE %s", [f"%{key}%"]
    else:
        match, likes = "(p.search_key LIKE %s OR p.search_key LIKE %s)", [f"{key}%", f"%|{key}%"]
    persons = (
        f"SELECT p.* FROM {t['person']} p WHERE p.id IN "
        f"(SELECT c.person_id FROM {t['case']} c WHERE c.center_id IN ({marks})) "
        f"AND {match} AND p.merged_into_id IS NULL "
        "ORDER BY p.reading_key, p.name_key, p.id LIMIT %s"
    )
    cases = (
        f"SELECT c.*, ce.name FROM {t['case']} c JOIN {t['center']} ce ON ce.id = c.center_id "
        f"WHERE c.center_id IN ({marks}) AND c.person_id IN "
        f"(SELECT p.id FROM {t['person']} p WHERE p.id IN "
        f"(SELECT c2.person_id FROM {t['case']} c2 WHERE c2.center_id IN ({marks})) "
        f"AND {match} AND p.merged_into_id IS NULL "
        "ORDER BY p.reading_key, p.name_key, p.id LIMIT %s)"
    )
    return [
        (persons, [*center_ids, *likes, limit]),
        (cases, [*center_ids, *center_ids, *likes, limit]),
    ]


def list_sql(t, *, worker_id: int, center_ids: list[int], status: str, limit: int = 50):
    marks = ", ".join(["%s"] * len(center_ids))
    where = (
        f"c.center_id IN ({marks}) AND p.merged_into_id IS NULL AND c.status = %s AND "
        f"(c.primary_worker_id = %s OR c.id IN "
        f"(SELECT s.case_id FROM {t['secondary']} s WHERE s.user_id = %s))"
    )
    params = [*center_ids, status, worker_id, worker_id]
    joins = f"{t['case']} c JOIN {t['person']} p ON p.id = c.person_id"
    return [
        (f"SELECT COUNT(*) FROM {joins} WHERE {where}", params),
        (
            f"SELECT {CASE_COLUMNS}, {PERSON_COLUMNS}, ce.name, u.username FROM {joins} "
            f"JOIN {t['center']} ce ON ce.id = c.center_id "
            f"LEFT JOIN {t['user']} u ON u.id = c.primary_worker_id WHERE {where} "
            "ORDER BY c.next_contact_on ASC NULLS LAST, c.last_contact_at DESC NULLS LAST, "
            "c.id DESC LIMIT %s",
            [*params, limit],
        ),
    ]


# --- the run -----------------------------------------------------------------------------------


def prepare(args):
    from django.core.management import call_command

    from yorisoi.cases.management.commands.generate import PRESETS, generated_centers
    from yorisoi.cases.models import Case

    call_command("migrate", verbosity=0)
    call_command("initkey", verbosity=0)
    if not Case.objects.filter(center__in=generated_centers()).exists():
        print(f"No generated data yet: generating the {args.preset} preset…", file=sys.stderr)
        call_command("generate", preset=args.preset, seed=args.seed)
    else:
        cases = Case.objects.filter(center__in=generated_centers()).count()
        if cases != PRESETS[args.preset].persons:
            print(
                f"Note: this database holds {cases:,} generated cases, not the "
                f"{PRESETS[args.preset].persons:,} of the {args.preset} preset.",
                file=sys.stderr,
            )


def choose_subjects(args) -> dict:
    """The busiest generated worker, their case with the most contacts, and a reading."""
    from django.db.models import Count

    from yorisoi.accounts.models import User
    from yorisoi.cases.management.commands.generate import generated_centers
    from yorisoi.cases.models import OPEN_STATUSES, Case

    cases = Case.objects.filter(center__in=generated_centers())
    if args.worker:
        worker = User.objects.get(username=args.worker)
    else:
        busiest = (
            cases.filter(status__in=OPEN_STATUSES, primary_worker__isnull=False)
            .values("primary_worker")
            .annotate(n=Count("id"))
            .order_by("-n", "primary_worker")
            .first()
        )
        worker = User.objects.get(pk=busiest["primary_worker"])
    mine = cases.filter(primary_worker=worker)
    by_contacts = mine.annotate(n=Count("contacts")).order_by("-n", "pk").select_related("person")
    case = by_contacts.filter(status__in=OPEN_STATUSES).first() or by_contacts.first()
    if case is None:
        sys.exit(f"{worker.username} holds no generated case; choose another --worker.")
    reading = (
        mine.exclude(person__family_name_kana="")
        .values_list("person__family_name_kana", flat=True)
        .order_by("pk")
        .first()
    )
    return {
        "worker": worker,
        "center_ids": sorted(worker.center_ids_with("manager", "worker")),
        "open_cases": mine.filter(status__in=OPEN_STATUSES).count(),
        "case": case,
        "case_contacts": case.n,
        "kana": (reading or "やま")[:2],
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    configure_environment(args.preset)

    import django

    django.setup()

    from datetime import timedelta

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    prepare(args)
    install_floor_urls()
    s = choose_subjects(args)
    worker, case = s["worker"], s["case"]
    client = Client(raise_request_exception=False)
    client.force_login(worker)

    t = tables()
    today = timezone.localdate()
    quiet_before = timezone.now() - timedelta(days=30)
    new_since = timezone.now() - timedelta(days=7)
    kana = s["kana"]
    pages = [
        ("floor: bare signed-in response", "/__bench__/plain", None),
        ("floor: signed-in base.html page", "/__bench__/page", None),
        (
            "worker home",
            "/",
            home_sql(
                t,
                worker_id=worker.pk,
                center_ids=s["center_ids"],
                today=today,
                quiet_before=quiet_before,
                new_since=new_since,
            ),
        ),
        (
            "case page",
            f"/cases/{case.pk}/",
            case_sql(t, case_id=case.pk, household_id=case.person.household_id),
        ),
        (
            "kana search",
            f"/people/?q={quote(kana)}",
            search_sql(t, key=kana, center_ids=s["center_ids"]),
        ),
        (
            "filtered case list",
            f"/cases/?status=support&worker={worker.pk}",
            list_sql(t, worker_id=worker.pk, center_ids=s["center_ids"], status="support"),
        ),
    ]

    print(
        f"Yorisoi bench: preset {args.preset} on {connection.vendor} "
        f"({connection.settings_dict['NAME']})"
    )
    print(
        f"Signed in as {worker.username} ({s['open_cases']} open cases); case {case.pk} has "
        f"{s['case_contacts']} contacts; search q={kana}. "
        f"{args.requests} timed requests per page after {args.warmup} warm-up."
    )
    results = []
    for label, path, statements in pages:
        figure = time_page(client, path, args.requests, args.warmup)
        figure["label"] = label
        if statements and figure["status"] == 200:
            figure["sql"] = time_sql(statements, args.requests, args.warmup)
        results.append(figure)

    floor = next(r for r in results if r["url"] == "/__bench__/page")
    print()
    for r in results:
        print(f"  {r['label']:<32} GET {unquote(r['url'])}")
    print()
    header = (
        f"{'page':<32} {'status':>6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'x floor':>8} {'SQL p50':>8} {'x data':>7} {'cpu p50':>8} {'x cpu':>6}"
    )
    print(header)
    print("-" * len(header))
    failures = 0
    for r in results:
        name = r["label"]
        if r["status"] != 200:
            failures += 1
            print(f"{name:<32} {r['status']:>6}  NOT 200: page missing or failing; not timed")
            continue
        x_floor = r["p50"] / floor["p50"] if floor.get("p50") else float("nan")
        if "sql" in r:
            sql_p50 = f"{r['sql']['p50']:8.2f}"
            x_data = f"{r['p50'] / r['sql']['p50']:7.1f}"
        else:
            sql_p50, x_data = f"{'':>8}", f"{'':>7}"
        x_cpu = r["cpu_p50"] / floor["cpu_p50"] if floor.get("cpu_p50") else float("nan")
        print(
            f"{name:<32} {r['status']:>6} {r['queries']:>7} {r['p50']:8.2f} {r['p95']:8.2f} "
            f"{x_floor:8.1f} {sql_p50} {x_data} {r['cpu_p50']:8.2f} {x_cpu:6.1f}"
        )
    print()
    print(
        "Budgets (DESIGN.md): p95 <= 50 ms; pages within 10x the framework floor "
        "(the base.html page); search within 3x its data floor."
    )
    for r in results[2:]:
        if r["status"] != 200:
            continue
        checks = [f"p95 {'ok' if r['p95'] <= 50 else 'OVER'}"]
        checks.append(f"10x floor {'ok' if r['p50'] <= 10 * floor['p50'] else 'OVER'}")
        if r["label"] == "kana search":
            checks.append(f"3x data {'ok' if r['p50'] <= 3 * r['sql']['p50'] else 'OVER'}")
        print(f"  {r['label']:<20} " + ", ".join(checks))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "preset": args.preset,
                    "vendor": connection.vendor,
                    "database": str(connection.settings_dict["NAME"]),
                    "requests": args.requests,
                    "worker": worker.username,
                    "results": results,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
