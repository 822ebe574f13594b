from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

from territoire import access

register = template.Library()


@register.filter
def money(value, decimals=2):
    """12500 → « 12 500,00 € » with the active locale's separators; empty for None."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    # Rounded here: number_format cuts extra decimals off (12 500,6 would read 12 500 € at 0 decimals).
    amount = round(amount, int(decimals))
    return f"{number_format(amount, decimal_pos=int(decimals), use_l10n=True, force_grouping=True)}\xa0€"


@register.filter
def number(value, decimals=None):
    """3000 → « 3 000 » (grouped for reading); ids are never passed through it. Empty for None."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    if decimals is None:
        return number_format(amount, force_grouping=True)
    return number_format(round(amount, int(decimals)), decimal_pos=int(decimals), force_grouping=True)


@register.simple_tag(takes_context=True)
def can(context, action, obj):
    """``{% can "manage_mission" mission as allowed %}``: the same predicate the view checks."""
    return access.PREDICATES[action](context["request"].user, obj)


PHASE_BADGES = {
    "diagnostic": "text-bg-info",
    "roadmap": "text-bg-primary",
    "amo": "text-bg-success",
    "closed": "text-bg-secondary",
}


@register.filter
def phase_badge(phase):
    return PHASE_BADGES.get(phase, "text-bg-light")
