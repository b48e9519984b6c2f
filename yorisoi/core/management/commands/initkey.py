from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from yorisoi.core.crypto import generate_key


class Command(BaseCommand):
    help = "Create the encryption key file if it does not exist yet (never overwrites a key)."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="Key file path (default: YORISOI_ENCRYPTION_KEY_FILE)")

    def handle(self, *args, **options):
        if settings.YORISOI_ENCRYPTION_KEY and not options["file"]:
            self.stdout.write("YORISOI_ENCRYPTION_KEY is set; no key file needed.")
            return
        path = Path(options["file"] or settings.YORISOI_ENCRYPTION_KEY_FILE)
        if path.exists():
            self.stdout.write(f"Encryption key file already exists: {path}")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            "# Yorisoi encryption key. Back it up apart from the database: without it the\n"
            "# encrypted notes cannot be read. The first key encrypts; every key decrypts.\n"
            + generate_key()
            + "\n"
        )
        path.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(f"Created encryption key file: {path}"))
