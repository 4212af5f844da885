"""Dates as the portal writes them: "07:00, thứ Hai, 23/11/2026" (local time)."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

register = template.Library()

WEEKDAYS = (
    gettext_noop("thứ Hai"),
    gettext_noop("thứ Ba"),
    gettext_noop("thứ Tư"),
    gettext_noop("thứ Năm"),
    gettext_noop("thứ Sáu"),
    gettext_noop("thứ Bảy"),
    gettext_noop("Chủ nhật"),
)


@register.filter
def vn_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local:%H:%M}, {_(WEEKDAYS[local.weekday()])}, {local:%d/%m/%Y}"
