"""{% load reports_tags %}{% if request.user|may_supervise %}: show the supervision link."""

from django import template

from motcua.reports.selectors import reach_of

register = template.Library()


@register.filter
def may_supervise(user) -> bool:
    """Whether the user may open /giam-sat/ (the same rule as the pages)."""
    return bool(getattr(user, "is_authenticated", False)) and reach_of(user) is not None
