"""What each column of a ledger means: the fields, their usual headings, and a suggestion.

A suggestion is only that: the person confirms it, and the confirmed mapping is remembered
for their organisation and that layout of headings. Headings are compared trimmed, with
case and spacing ignored and bracketed notes such as ``(dd/mm/yyyy)`` or ``(£)`` dropped.
"""

import re
import unicodedata

from alliance.ledgers.table import heading_period

FIELDS = {
    "amount": "Amount",
    "budget": "Budget",
    "date": "Date or period",
    "category": "Cost category",
    "service_line": "Service line",
    "limb": "Limb",
    "description": "Description",
    "counterparty": "Supplier or payee",
    "reference": "Reference",
    "organisation": "Organisation",
    "amount_by_period": "Amounts, for the period in the heading",
    "amount_by_category": "Amounts, for the category in the heading",
    "ignore": "Not used",
}
AMOUNT_FIELDS = ("amount", "amount_by_period", "amount_by_category")
SINGLE_FIELDS = (
    "amount", "budget", "date", "category", "service_line", "limb", "description",
    "counterparty", "reference", "organisation",
)  # fmt: skip
TEXT_LIMITS = {
    "category": 255, "service_line": 255, "description": 1000, "counterparty": 255,
    "reference": 255, "organisation": 255,
}  # fmt: skip

SYNONYMS = {
    "amount": (
        "amount", "amount £", "value", "net amount", "nett amount", "invoice nett amount",
        "net", "actual", "actuals", "actual cost", "actual spend", "spend", "cost",
        "expenditure", "total", "amount awarded", "sum", "£", "gbp", "net value",
    ),
    "budget": ("budget", "annual budget", "budget £", "plan", "planned", "allocation"),
    "date": (
        "date", "period", "month", "posting date", "paid date", "payment date",
        "transaction date", "invoice date", "invoice creation date", "year month",
        "effective date", "award date", "financial year", "accounting period",
    ),
    "category": (
        "cost category", "category", "expenditure category", "subjective",
        "subjective description", "subj description", "account", "account name",
        "account description", "cost type", "expense type", "nominal",
        "category internal name", "expense area", "comparative totals", "cost element",
    ),
    "service_line": (
        "service line", "service", "service area", "programme", "cost centre",
        "cost centre name", "grant programme:title",
    ),
    "limb": ("limb", "cost limb"),
    "description": (
        "description", "narrative", "details", "detail", "purpose", "memo",
        "line description", "transaction description",
    ),
    "counterparty": (
        "supplier", "supplier name", "payee", "vendor", "vendor name", "merchant",
        "merchant name", "recipient org:name", "beneficiary", "beneficiary name", "creditor",
    ),
    "reference": (
        "reference", "ref", "invoice number", "invoice no", "transaction number",
        "trans no", "transaction no", "document number", "journal", "uuid",
    ),
    "organisation": (
        "organisation", "organization", "provider", "body", "body name", "client",
        "organisation label", "local authority", "council name", "funding org:name",
    ),
}  # fmt: skip
_WORDS = {_field: {s for s in names} for _field, names in SYNONYMS.items()}
_CONTROL = dict.fromkeys(
    [c for c in range(32) if c not in (9, 10, 13)]
    + [0x7F, 0x200B, 0x200C, 0x200D, 0xFEFF]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
)
#: What alliance.exports puts a ``'`` before (its FORMULA_TRIGGERS), so that an exported
#: ledger reads back as it was. Kept here: this module imports nothing of Flask.
GUARDED_STARTS = frozenset("=+-@\t\r\n\x00")


def normalise_heading(name: str) -> str:
    """``Invoice Date (dd/mm/yyyy)``, ``invoice_date`` and ``InvoiceDate`` all read
    ``invoice date``."""
    text = re.sub(r"\([^)]*\)", " ", str(name))
    text = re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " ", text)  # PaymentDate: two words
    text = text.replace("\u2020", " ").replace("_", " ")
    return " ".join(text.split()).casefold()


def clean_text(value) -> tuple[str, bool]:
    """A cell as inert one-line text, and whether control or bidi characters were removed.

    A ``'`` before a formula character is the guard alliance.exports writes: it is dropped
    (and is no change), so an exported ledger imports as it was.
    """
    if value is None:
        return "", False
    if value.__class__ is str and value.isascii() and value.isprintable() and value[:1] != "'":
        return " ".join(value.split()), False  # no control, bidi or composed characters
    text = str(value)
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    cleaned = unicodedata.normalize("NFC", text).translate(_CONTROL)
    changed = len(cleaned) != len(text)
    if text[:1] == "'" and text[1:2] in GUARDED_STARTS:
        cleaned = cleaned[1:]  # our own export's formula guard, not part of the text
    return " ".join(cleaned.replace("\u2020", " ").split()), changed


def suggest_mapping(names: list[str], options: dict) -> dict[str, str]:
    """Each column's likely field, from the usual headings and the alliance's own names."""
    mapping: dict[str, str] = {}
    headings = [normalise_heading(name) for name in names]
    for field in SINGLE_FIELDS:
        # Where several columns fit, the heading earlier in the synonym list wins
        # (``Payment Date`` over ``Effective Date``), then the leftmost column.
        fits = [
            (SYNONYMS[field].index(heading), index)
            for index, heading in enumerate(headings)
            if names[index] not in mapping and heading in _WORDS[field]
        ]
        if fits:
            mapping[names[min(fits)[1]]] = field
    if "amount" not in mapping.values():
        periods = [name for name in names if name not in mapping and heading_period(name)]
        categories = _category_names(options)
        by_category = [
            name for name in names if name not in mapping and normalise_heading(name) in categories
        ]
        if len(periods) >= 2:
            mapping.update(dict.fromkeys(periods, "amount_by_period"))
        elif len(by_category) >= 2:
            mapping.update(dict.fromkeys(by_category, "amount_by_category"))
    return mapping


def _category_names(options: dict) -> set[str]:
    names = set()
    for entry in options.get("categories", []):
        names.add(normalise_heading(entry["name"]))
        names.update(normalise_heading(s) for s in entry.get("synonyms", []))
    return names


def merge_mapping(columns: list[dict], suggested: dict, given: dict) -> dict[str, str]:
    """Given choices win; a column letter (``E``) stands for that column's heading."""
    letters = {column["letter"]: column["name"] for column in columns}
    names = {column["name"] for column in columns}
    chosen = {}
    for column, field in given.items():
        if column not in names and re.fullmatch(r"[A-Z]{1,3}", column) and column in letters:
            column = letters[column]
        chosen[column] = field
    singles = {field for field in chosen.values() if not field.startswith("amount_by")}
    merged = {
        name: field
        for name, field in suggested.items()
        if name not in chosen and field not in singles
    }
    return merged | chosen
