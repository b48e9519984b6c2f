"""`yorisoi demo`: what `make demo` runs, in one process so that a second start takes seconds.

Creates the key file if missing, applies migrations, loads the demo data (idempotent), then
serves the app with daphne on 127.0.0.1, with a background worker in a thread of the same
process (production runs `yorisoi db_worker` instead). Mail goes to files under var/mail/.
"""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from yorisoi.core.background import worker_thread_start


def mail_destination() -> str:
    if "smtp" in settings.EMAIL_BACKEND:
        return f"mail is sent through {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    return f"mail is written to files in {settings.EMAIL_FILE_PATH}/"


class Command(BaseCommand):
    help = "Prepare the demo (key file, migrations, demo data) and serve it with daphne."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare everything but do not serve."
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "`yorisoi demo` loads fictional data; it does not run in production."
            )
        call_command("initkey", stdout=self.stdout)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("loaddemo", stdout=self.stdout)
        if options["no_serve"]:
            return
        url = f"http://{options['host']}:{options['port']}/"
        if not os.environ.get("YORISOI_SITE_URL"):
            # Links in the demo's mails point at the port it serves on.
            settings.YORISOI_SITE_URL = url.rstrip("/")
        worker_thread_start()
        self.stdout.write(self.style.SUCCESS(f"\n  Yorisoi demo: {url}   (Ctrl-C stops it)"))
        self.stdout.write(f"  Background tasks run in this process; {mail_destination()}\n")
        self.stdout.flush()

        from daphne.cli import CommandLineInterface

        CommandLineInterface().run(
            [
                "-b",
                options["host"],
                "-p",
                str(options["port"]),
                "-v",
                "0",
                "yorisoi.asgi:application",
            ]
        )
