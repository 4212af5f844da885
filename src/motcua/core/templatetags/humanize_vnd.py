from django import template

register = template.Library()


@register.filter
def vnd(amount: int | None) -> str:
    """50000 → "50.000 đồng" (Vietnamese groups thousands with dots)."""
    if amount is None:
        return ""
    if amount == 0:
        return "0 đồng"
    return f"{amount:,}".replace(",", ".") + " đồng"
