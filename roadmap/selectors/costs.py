"""The money of a project sheet, computed in one place: totals, subsidies, net cost, funding warnings.

Everything here works on lists of lines (loaded, prefetched or just typed in a form), so the list page,
the sheet page and the edit form's checks use the same arithmetic. Amounts are ``Decimal``, excluding
VAT (HTVA): the base calls compute their subsidy on; the investment including VAT is shown beside.

* investment = Σ investment lines; running = Σ yearly running lines;
* a funding line of a call counts the call's subsidy: rate × investment, capped by the call's ceiling, or
  the amount typed when it is lower (a commune may ask for less; never more: that is refused);
  another subsidy counts its typed amount; own funds are not a subsidy; a refused line counts for nothing;
* net cost to the commune = investment − subsidies.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from roadmap.models import BudgetKind, FundingSource, FundingStatus

ZERO = Decimal("0.00")


def _euros(amount: Decimal) -> str:
    return f"{number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)}\xa0€"


@dataclass(frozen=True)
class FundingAmount:
    line: object
    amount: Decimal  # what the line brings (the capped subsidy for a call)
    uncapped: Decimal | None = None  # for a call: rate × cost before the ceiling
    possible: Decimal | None = None  # for a call: the most it grants (rate × cost, capped)


@dataclass(frozen=True)
class SheetCosts:
    investment: Decimal
    investment_incl_vat: Decimal
    running: Decimal
    running_incl_vat: Decimal
    subsidies: Decimal
    own_funds: Decimal
    funding: list[FundingAmount] = field(default_factory=list)

    @property
    def net(self) -> Decimal:
        """Net cost to the commune: investment minus subsidies."""
        return self.investment - self.subsidies

    @property
    def funded(self) -> Decimal:
        """Everything the funding lines bring, own funds included (refused lines aside)."""
        return self.subsidies + self.own_funds

    @property
    def subsidy_rate(self) -> Decimal | None:
        return (self.subsidies * 100 / self.investment).quantize(Decimal("0.1")) if self.investment else None


def funding_amount(line, investment: Decimal) -> FundingAmount:
    if line.status == FundingStatus.REFUSED:
        return FundingAmount(line, ZERO)
    if line.source == FundingSource.CALL and line.call is not None:
        possible = line.call.subsidy_for(investment)
        asked = possible if line.amount is None else min(line.amount, possible)
        return FundingAmount(line, asked, line.call.uncapped_subsidy(investment), possible)
    return FundingAmount(line, line.amount or ZERO)


def sheet_costs(budget_lines: Iterable, funding_lines: Iterable) -> SheetCosts:
    budget_lines, funding_lines = list(budget_lines), list(funding_lines)
    investment_lines = [b for b in budget_lines if b.kind == BudgetKind.INVESTMENT]
    running_lines = [b for b in budget_lines if b.kind == BudgetKind.RUNNING]
    investment = sum((b.amount for b in investment_lines), ZERO)
    funding = [funding_amount(line, investment) for line in funding_lines]
    return SheetCosts(
        investment=investment,
        investment_incl_vat=sum((b.amount_incl_vat for b in investment_lines), ZERO),
        running=sum((b.amount for b in running_lines), ZERO),
        running_incl_vat=sum((b.amount_incl_vat for b in running_lines), ZERO),
        subsidies=sum((f.amount for f in funding if f.line.source != FundingSource.OWN_FUNDS), ZERO),
        own_funds=sum((f.amount for f in funding if f.line.source == FundingSource.OWN_FUNDS), ZERO),
        funding=funding,
    )


def funding_errors(costs: SheetCosts) -> list[str]:
    """The French refusals: a call asked for more than it grants; funding above 100 % of the investment."""
    errors = []
    for item in costs.funding:
        line = item.line
        if item.possible is not None and line.amount is not None and line.amount > item.possible:
            errors.append(
                _(
                    "« %(call)s » : le montant demandé (%(asked)s) dépasse ce que l'appel accorde "
                    "(%(rate)s %% du coût, plafonné : %(possible)s)."
                )
                % {
                    "call": line.call,
                    "asked": _euros(line.amount),
                    "rate": number_format(line.call.rate, use_l10n=True),
                    "possible": _euros(item.possible),
                }
            )
    if costs.funded > costs.investment:
        errors.append(
            _(
                "Le financement (%(funded)s) dépasse 100 %% du coût d'investissement (%(cost)s) : "
                "réduisez un montant ou ajoutez la dépense manquante au budget."
            )
            % {"funded": _euros(costs.funded), "cost": _euros(costs.investment)}
        )
    return errors


def funding_warnings(costs: SheetCosts, *, theme: str, today: date) -> list[str]:
    """What the consultant should know about the calls named by the funding lines (French sentences)."""
    warnings = []
    for item in costs.funding:
        call = item.line.call
        if item.line.source != FundingSource.CALL or call is None or item.line.status == FundingStatus.REFUSED:
            continue
        if call.minimum_cost is not None and costs.investment < call.minimum_cost:
            warnings.append(
                _("« %(call)s » : le coût du projet (%(cost)s) est inférieur au minimum de l'appel (%(minimum)s).")
                % {"call": call, "cost": _euros(costs.investment), "minimum": _euros(call.minimum_cost)}
            )
        if item.uncapped is not None and item.uncapped > item.amount:
            warnings.append(
                _(
                    "« %(call)s » : le subside calculé (%(uncapped)s) dépasse le plafond de l'appel ; "
                    "il est limité à %(ceiling)s."
                )
                % {"call": call, "uncapped": _euros(item.uncapped), "ceiling": _euros(item.amount)}
            )
        if not call.accepts_theme(theme):
            warnings.append(
                _("« %(call)s » : le thème de la fiche n'est pas éligible (thèmes de l'appel : %(themes)s).")
                % {"call": call, "themes": ", ".join(call.theme_labels())}
            )
        if call.deadline is not None and call.deadline < today:
            warnings.append(
                _("« %(call)s » : la date limite de dépôt (%(deadline)s) est passée.")
                % {"call": call, "deadline": date_format(call.deadline, "SHORT_DATE_FORMAT")}
            )
    return warnings
