from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..charts import MASK

register = template.Library()


@register.filter
def figure(value):
    """A count, or the mask mark for a masked (None) one."""
    if value is None:
        return format_html('<span class="masked" title="{}">{}</span>', _("少数のため秘匿"), MASK)
    return intcomma(value)


@register.filter
def entered(value):
    """An external figure: a number, the mask mark, or a dash when nothing was entered."""
    if value is None:
        return format_html('<span class="muted" title="{}">—</span>', _("未入力"))
    if value == MASK:
        return figure(None)
    return intcomma(value)


@register.filter
def signed(value):
    if value is None or value == "":
        return "—"
    if value > 0:
        return f"+{intcomma(value)}"
    if value < 0:
        return f"−{intcomma(-value)}"
    return "±0"
