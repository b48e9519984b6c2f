#!/usr/bin/env python
"""Where one bench page spends its time: CPU time per request and a cProfile listing.

    python bench/profile_page.py --preset city case [--requests 20] [--top 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yorisoi_bench \
        python bench/profile_page.py --preset national search

Pages: floor, home, case, search, list (the same subjects as bench/run.py), or a path
starting with "/". On a shared machine wall-clock times are noisy; the process CPU time per
request (`cpu p50`) is steadier for comparing two versions of a page on SQLite (on PostgreSQL
the database's own time is in another process and not counted). Uses the data bench/run.py
reuses; it never generates any.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # bench/run.py, beside this file


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", help="floor, home, case, search, list, or a path")
    parser.add_argument("--preset", default="city", choices=["tiny", "city", "national"])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--worker")
    parser.add_argument("--top", type=int, default=0, help="print the N costliest functions")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (tottime, ...)")
    parser.add_argument("--callees", help="also list what functions matching this call")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    run.configure_environment(args.preset)

    import django

    django.setup()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    run.install_floor_urls()
    s = run.choose_subjects(argparse.Namespace(worker=args.worker))
    urls = {
        "floor": "/__bench__/page",
        "home": "/",
        "case": f"/cases/{s['case'].pk}/",
        "search": f"/people/?q={quote(s['kana'])}",
        "list": f"/cases/?status=support&worker={s['worker'].pk}",
    }
    url = urls.get(args.page, args.page)
    client = Client(raise_request_exception=True)
    client.force_login(s["worker"])
    for _ in range(3):
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured.captured_queries)  # read now: the next request resets the log
    wall, cpu = [], []
    profiler = cProfile.Profile() if args.top else None
    for _ in range(args.requests):
        w0, c0 = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        client.get(url)
        if profiler:
            profiler.disable()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    print(
        f"{url}  queries {queries}  "
        f"cpu p50 {statistics.median(cpu):.1f} ms  wall p50 {statistics.median(wall):.1f} ms"
        + ("  (profiled)" if profiler else "")
    )
    # Python function calls per request: a rough measure of the work that, unlike times, a
    # busy machine does not change (database time is not in it).
    counter = cProfile.Profile()
    counter.enable()
    client.get(url)
    counter.disable()
    print(f"  python function calls per request: {pstats.Stats(counter).total_calls:,}")
    if profiler:
        stats = pstats.Stats(profiler).strip_dirs().sort_stats(args.sort)
        stats.print_stats(args.top)
        if args.callees:
            stats.print_callees(args.callees)
    return 0


if __name__ == "__main__":
    sys.exit(main())
