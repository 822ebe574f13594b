"""Cell values as communes write them → Python values, or a French ``ValueError``."""

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from territoire.models import BudgetSource, NodeState, Volet

EXCEL_EPOCH = date(1899, 12, 30)
CENT = Decimal("0.01")


def normalize(text) -> str:
    """« Date de début » → « datededebut »: lowercase, without accents, spaces or punctuation."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]", "", text)


def code_key(code: str) -> str:
    """« OO 1.2 », « OO.1.2 » and « oo-1.2 » are the same node for a re-import."""
    return re.sub(r"[\s._\-/]+", ".", code.strip().lower()).strip(".")


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"[ \t\xa0]+", " ", str(value)).strip()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value, what: str) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(_("« %(value)s » n'est pas %(what)s.") % {"value": value, "what": what})
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if not number.is_finite() or abs(number.adjusted()) > 20:
            raise ValueError(_("« %(value)s » n'est pas %(what)s.") % {"value": str(value)[:40], "what": what})
        return number
    raw = str(value)
    cleaned = re.sub(r"[\s\xa0\u202f'€]|eur(os?)?", "", raw.strip().lower())
    if "," in cleaned and "." in cleaned:
        # The last separator is the decimal one: « 12.500,00 » (Belgium) or « 12,500.00 ».
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        cleaned = cleaned.replace(",", ".") if cleaned.count(",") == 1 else cleaned.replace(",", "")
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+", cleaned):
        cleaned = cleaned.replace(".", "")  # « 12.500 » is twelve thousand five hundred.
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_("« %(value)s » n'est pas %(what)s.") % {"value": raw, "what": what}) from None
    if not number.is_finite() or abs(number.adjusted()) > 20:
        # « 1e999999 » is a number for Decimal, but no amount: quantizing it would raise.
        raise ValueError(_("« %(value)s » n'est pas %(what)s.") % {"value": raw[:40], "what": what})
    return number


def amount(value) -> Decimal | None:
    if is_blank(value):
        return None
    number = _number(value, _("un montant (exemple : 12.500,00 €)"))
    if number < 0:
        raise ValueError(_("Le montant ne peut pas être négatif."))
    if number >= Decimal("1e12"):
        raise ValueError(_("Le montant « %(value)s » est trop grand.") % {"value": value})
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def decimal(value, *, maximum=None) -> Decimal | None:
    if is_blank(value):
        return None
    number = _number(value, _("un nombre"))
    if number < 0:
        raise ValueError(_("La valeur ne peut pas être négative."))
    if maximum is not None and number > maximum:
        raise ValueError(_("La valeur doit être au plus %(max)s.") % {"max": maximum})
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def percent(value) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, str):
        value = value.replace("%", "")
    number = _number(value, _("un pourcentage (de 0 à 100)"))
    if isinstance(value, float) and 0 < number < 1:
        number *= 100  # A cell formatted as a percentage holds 0.8 for 80 %.
    if not 0 <= number <= 100:
        raise ValueError(_("L'avancement doit être compris entre 0 et 100 %."))
    return int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))


DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M"]


def to_date(value, *, end: bool = False) -> date | None:
    """A date from « 31/12/2025 », a date cell, an Excel serial number or a bare year (« 2025 »).

    A bare year means its first day for a start date and its last day for an end date.
    """
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if re.fullmatch(r"\d{1,9}([.,]0+)?", raw):
        number = int(re.split(r"[.,]", raw)[0])
        if 1900 <= number <= 2200:
            return date(number, 12, 31) if end else date(number, 1, 1)
        if 20000 <= number <= 120000:
            return EXCEL_EPOCH + timedelta(days=number)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()  # noqa: DTZ007 (a calendar date, no time zone)
        except ValueError:
            continue
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{4})", raw)
    if match:
        month, year = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            if end:
                following = date(year + month // 12, month % 12 + 1, 1)
                return following - timedelta(days=1)
            return date(year, month, 1)
    raise ValueError(_("« %(value)s » n'est pas une date (exemple : 31/12/2025).") % {"value": raw})


STATES = {
    NodeState.NOT_STARTED: ["noncommence", "nonencommence", "pascommence", "afaire", "prevu", "nondemarre", "0"],
    NodeState.IN_PROGRESS: ["encours", "encoursderealisation", "demarre", "enexecution"],
    NodeState.WAITING: ["enattente", "suspendu", "reporte"],
    NodeState.PROBLEM: ["probleme", "bloque", "enprobleme", "difficulte"],
    NodeState.DONE: ["termine", "fini", "realise", "acheve", "cloture"],
    NodeState.ABANDONED: ["abandonne", "annule", "annuleabandonne"],
}
STATE_BY_WORD = {word: state for state, words in STATES.items() for word in words}


def state(value) -> str:
    if is_blank(value):
        return ""
    found = STATE_BY_WORD.get(normalize(value))
    if found is None:
        raise ValueError(
            _("État « %(value)s » inconnu : utilisez %(states)s.")
            % {"value": text(value), "states": ", ".join(str(label) for label in NodeState.labels)}
        )
    return found


def volet(value) -> str:
    word = normalize(value)
    if not word:
        return ""
    if "intern" in word or word in ("vi", "i"):
        return Volet.INTERNAL
    if "extern" in word or word in ("ve", "e"):
        return Volet.EXTERNAL
    raise ValueError(_("Volet « %(value)s » inconnu : écrivez « externe » ou « interne ».") % {"value": text(value)})


def budget_source(value) -> str:
    word = normalize(value)
    if not word:
        return ""
    if "extraordinaire" in word or word in ("e", "extra", "se"):
        return BudgetSource.EXTRAORDINARY
    if "ordinaire" in word or word in ("o", "so"):
        return BudgetSource.ORDINARY
    if "subsid" in word or "subvention" in word:
        return BudgetSource.SUBSIDY
    return BudgetSource.OTHER


def names(value) -> list[str]:
    """« PCS, PCDR » or one per line → ["PCS", "PCDR"]."""
    if is_blank(value):
        return []
    return [
        part.strip()
        for part in re.split(r"[,;|\n]+", text(value) if "\n" not in str(value) else str(value))
        if part.strip()
    ]
