from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _nav(request) -> list:
    from django.urls import reverse

    from . import policy

    if not policy.can_read_persons(request.user):
        return []
    return [(_("本人検索"), reverse("people:search"), 30)]


class PeopleConfig(AppConfig):
    name = "yorisoi.people"
    label = "people"
    verbose_name = _("本人・世帯")

    def ready(self) -> None:
        from yorisoi.core.registry import nav_providers

        if _nav not in nav_providers:
            nav_providers.append(_nav)
