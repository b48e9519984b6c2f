"""The background worker inside the web process, for the embedded mode (`yorisoi demo`).

Production runs `yorisoi db_worker` as a process of its own (docs/operations.md). The demo runs
the same worker loop (django-tasks-db's Worker) in a daemon thread, so one command serves pages
and runs their tasks.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from django.db import connections

logger = logging.getLogger(__name__)

RESTART_SECONDS = 5


@dataclass
class WorkerThread:
    thread: threading.Thread
    stop_event: threading.Event
    worker: object

    def stop(self, timeout: float = 10) -> None:
        self.stop_event.set()
        self.worker.running = False
        self.thread.join(timeout)


def worker_thread_start(*, interval: float = 1.0, backend: str = "default") -> WorkerThread:
    """Start a daemon thread that runs queued tasks until stopped (or the process ends)."""
    # The Worker class of the db_worker command: the same loop, without its signal handlers
    # (those belong to the main thread, where daphne has its own).
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["*"],
        interval=interval,
        batch=False,
        backend_name=backend,
        startup_delay=False,
        max_tasks=None,
        worker_id=f"embedded-{threading.get_native_id()}",
        excluded_queue_names=[],
    )
    stop_event = threading.Event()

    def loop() -> None:
        try:
            while not stop_event.is_set():
                try:
                    worker.run()
                except Exception:
                    # A database hiccup must not end background work for the life of the process.
                    logger.exception("background worker stopped; restarting")
                    stop_event.wait(RESTART_SECONDS)
                    worker.running = not stop_event.is_set()
                else:
                    break
        finally:
            connections.close_all()

    thread = threading.Thread(target=loop, name="yorisoi-tasks", daemon=True)
    thread.start()
    return WorkerThread(thread=thread, stop_event=stop_event, worker=worker)


def wait_for(result, *, timeout: float = 30, poll: float = 0.1):
    """Refresh a task result until it has finished (or `timeout` seconds pass); returns it."""
    deadline = time.monotonic() + timeout
    while True:
        result.refresh()
        if result.is_finished or time.monotonic() > deadline:
            return result
        time.sleep(poll)
