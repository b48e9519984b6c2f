"""`yorisoi instruments validate FILE...`: check definition files before a manager uploads them.

Exit status 0 when every file can be used; 1 (with each problem as FILE:LINE: message) otherwise.
`yorisoi instruments list` shows the built-in definitions.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from yorisoi.assessments import catalog, definitions


class Command(BaseCommand):
    help = "Validate instrument definition files (validate FILE...) or list the built-in ones."

    def add_arguments(self, parser):
        parser.add_argument(
            "--lang",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="Language of the messages (default: %(default)s).",
        )
        sub = parser.add_subparsers(dest="action", required=True)
        validate = sub.add_parser("validate", help="Check definition files.")
        validate.add_argument("files", nargs="+", metavar="FILE")
        sub.add_parser("list", help="List the built-in definitions.")

    def handle(self, *args, action: str, lang: str, **options):
        with translation.override(lang):
            if action == "list":
                for file in catalog.builtin_files():
                    self.stdout.write(
                        f"{file.instrument_id}\tv{file.version}\t{file.path.name}\t"
                        f"{file.definition['labels'][lang[:2]]}"
                    )
                return
            failed = 0
            for name in options["files"]:
                path = Path(name)
                try:
                    text = path.read_text(encoding="utf-8-sig")
                except (OSError, UnicodeDecodeError) as exc:
                    failed += 1
                    self.stderr.write(f"{name}: {exc}")
                    continue
                problems = definitions.validate_text(text)
                if problems:
                    failed += 1
                    for problem in problems:
                        self.stderr.write(f"{name}:{problem.line}: {problem.message}")
                else:
                    data = definitions.load(text)
                    self.stdout.write(f"{name}: OK ({data['id']} v{data['version']})")
            if failed:
                raise CommandError(
                    f"{failed} of {len(options['files'])} file(s) have problems.", returncode=1
                )
