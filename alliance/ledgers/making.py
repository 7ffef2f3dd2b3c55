"""Make the ledger lines of one row of a sheet: its text cleaned, its period read, its
category and service line named, one line per amount. Pure; built once per sheet."""

import functools

from alliance.ledgers.checks import read_amount
from alliance.ledgers.mapping import TEXT_LIMITS, clean_text
from alliance.ledgers.preview import Line, Preview, key, months_between
from alliance.ledgers.table import cell_text
from alliance.ledgers.values import ValueProblem

LIMB_WORDS = {
    word: limb
    for limb, words in {
        "limb1": ("limb 1", "limb1", "l1", "1", "direct", "direct costs", "direct cost"),
        "limb2": ("limb 2", "limb2", "l2", "2", "overhead", "overheads", "overhead and profit"),
        "income": ("income", "inc", "receipts"),
    }.items()
    for word in words
}

#: Cleaning a cell is the same work for the same value, and most text columns of a ledger
#: (categories, services, suppliers) repeat a few values down 100,000 rows.
_clean = functools.lru_cache(maxsize=4096, typed=True)(clean_text)


class LineMaker:
    """Makes the ledger lines of one row. Built once per sheet: the columns, the ledger
    period and what each repeated text means are worked out once, not on every row."""

    def __init__(self, preview: Preview, single: dict, wide: dict) -> None:
        self.preview, self.single, self.wide = preview, single, wide
        self.texts = [
            (f, single[f], limit) for f, limit in TEXT_LIMITS.items() if single.get(f) is not None
        ]
        self.date, self.budget, self.limb = (
            single.get("date"),
            single.get("budget"),
            single.get("limb"),
        )
        self.whole = (None, months_between(preview.start, preview.end))
        self.periods: dict = {}  # cell value -> (ISO start, months), or None when unreadable
        self.names: dict = {}  # (category text, service line text) -> what they name

    def make(self, r: int, values) -> None:
        preview, row = self.preview, self.preview.sheet.rows[r]
        width = len(row)
        texts = dict.fromkeys(TEXT_LIMITS, "")
        for field, c, limit in self.texts:
            if c < width:
                texts[field] = self._text(row[c], r, c, limit)
        period = self.whole
        if self.date is not None:
            period = self._period(row[self.date] if self.date < width else "", r)
            if period is None:
                return
        budget = self._budget(row, r) if self.budget is not None and self.budget < width else None
        limb = self._limb(row, r) if self.limb is not None else None
        service_text = texts["service_line"]
        for c, field, value, formula in values:
            start, months = period
            category_text = texts["category"]
            if field == "amount_by_period":
                start, months = self.wide[c]
                start = start.isoformat()
            elif field == "amount_by_category":
                category_text = self.wide[c]
            category, service = self._names(category_text, service_text)
            if formula:
                preview.problem(
                    "warning", preview.where(r, c), "A formula: its saved value was used."
                )
            preview.lines.append(
                Line(
                    preview.where(r, c),
                    start,
                    months,
                    category_text,
                    category["name"] if category else None,
                    service_text,
                    service["name"] if service else None,
                    limb or (category.get("limb") if category else None),
                    texts["description"],
                    texts["counterparty"],
                    texts["organisation"],
                    texts["reference"],
                    budget,
                    str(value),
                    formula,
                )
            )

    def _text(self, raw, r: int, c: int, limit: int) -> str:
        text, changed = _clean(raw)
        if changed:
            self.preview.problem(
                "warning", self.preview.where(r, c), "Control or invisible characters were removed."
            )
        if len(text) > limit:
            self.preview.problem(
                "error",
                self.preview.where(r, c),
                f"This is {len(text):,} characters long; the limit is {limit:,}.",
            )
            return text[:limit]
        return text

    def _period(self, raw, r: int) -> tuple[str, int] | None:
        memo = (type(raw), raw)
        if memo not in self.periods:
            found = self.preview.period(raw, r, self.date)
            self.periods[memo] = (found[0].isoformat(), found[1]) if found else None
            return self.periods[memo]
        found = self.periods[memo]
        if found is None:  # the same unreadable value again: the problem is at this cell too
            self.preview.period(raw, r, self.date)
        return found

    def _budget(self, row: list, r: int) -> str | None:
        try:
            found = read_amount(row[self.budget], self.preview.scale)
        except ValueProblem as exc:
            self.preview.problem("error", self.preview.where(r, self.budget), str(exc))
            return None
        return str(found) if found is not None else None

    def _limb(self, row: list, r: int) -> str | None:
        raw = cell_text(row[self.limb]) if self.limb < len(row) else ""
        limb = LIMB_WORDS.get(key(raw))
        if raw and limb is None:
            self.preview.problem(
                "error",
                self.preview.where(r, self.limb),
                f"“{raw}” is not a limb: use Limb 1, Limb 2 or Income.",
            )
        return limb

    def _names(self, category_text: str, service_text: str) -> tuple[dict | None, dict | None]:
        memo = (category_text, service_text)
        if memo not in self.names:
            self.names[memo] = (
                self.preview.category(category_text),
                self.preview.service_line(service_text),
            )
        return self.names[memo]
