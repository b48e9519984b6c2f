from django.core.management.base import BaseCommand
from django.db import transaction

from yorisoi.core.registry import demo_loaders


class Command(BaseCommand):
    help = "Load the fictional demo data (idempotent: a second run changes nothing)."

    def handle(self, *args, **options):
        for _order, loader in sorted(demo_loaders, key=lambda item: item[0]):
            with transaction.atomic():
                loader(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
