"""POST data of the sheet form with its four line tables, as the browser sends it."""

from roadmap.forms.sheets import LINE_FORMSETS

EMPTY_ROW = {
    "budget": {"label": "", "category": "", "kind": "investment", "amount": "", "vat_rate": "21.00", "year": ""},
    "funding": {"source": "", "call": "", "label": "", "amount": "", "status": "requested"},
    "risks": {"risk": "", "likelihood": "medium", "mitigation": ""},
    "indicators": {"indicator": "", "target": "", "unit": ""},
}


def sheet_post(title="Vélos partagés", *, existing=None, **lines) -> dict:
    """``lines``: budget=[{...}], funding=[...]: each row is merged over an empty row; ``existing``: prefix →
    initial number of forms (rows already saved, whose ``id`` the row dicts carry)."""
    data = {"title": title, "theme": "mobility", "dimension": "technology"}
    existing = existing or {}
    for prefix in LINE_FORMSETS:
        rows = lines.get(prefix, [])
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(existing.get(prefix, 0))
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for index, row in enumerate(rows):
            for name, value in {**EMPTY_ROW[prefix], **row}.items():
                data[f"{prefix}-{index}-{name}"] = value
    return data


HANNUT_BUDGET = [
    {"label": "Application de mobilité", "category": "development", "amount": "89000"},
    {"label": "Vélos, arceaux et capteurs", "category": "equipment", "amount": "81000"},
    {"label": "Maintenance", "category": "licences", "kind": "running", "amount": "6000"},
]
