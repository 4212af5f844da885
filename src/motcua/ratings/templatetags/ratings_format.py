"""Points on the Decree 61 board: an exact average as "1,25" (two decimals), "—" when none."""

from fractions import Fraction

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def points(value: Fraction | None) -> str:
    if value is None:
        return "—"
    return number_format(float(value), 2, use_l10n=True)
