"""Numbers and amounts in the messages, written the Belgian French way through Django's formats."""

from decimal import Decimal

from django.utils.formats import number_format


def format_money(amount: Decimal) -> str:
    """42000 → « 42 000 € », 1234.5 → « 1 234,50 € » (cents only when there are some)."""
    amount = Decimal(amount)
    decimals = 0 if amount == amount.to_integral_value() else 2
    return f"{number_format(amount, decimal_pos=decimals, use_l10n=True, force_grouping=True)}\xa0€"


def format_number(value: float, decimals: int = 1) -> str:
    """2.5 → « 2,5 » with the active locale's separators."""
    return number_format(round(float(value), decimals), decimal_pos=decimals, use_l10n=True)
