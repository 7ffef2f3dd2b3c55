"""Write the demo providers' 2026-27 open-book ledgers, each as its finance lead sends it.

    .venv/bin/python sample_ledgers/make_samples.py [--out sample_ledgers]

- vale-mh-trust: the alliance's own xlsx template, filled in (no mapping needed);
- harbour-recovery: its own workbook, two title rows above the headings, some amounts
  typed as ``£1,234.56`` text and a Total row (plus a v2 correcting two lines, adding one);
- open-door: a budget-monitoring sheet, categories down the side and months across;
- riverside-homes: a CSV from its finance system (CRLF, quoted thousands, credit notes).

Deterministic: a fixed seed per provider and no dates from "now" (the xlsx files carry a
fixed creation time and fixed zip timestamps), so running it again writes the same bytes
with the same library versions. Money is Decimal throughout, never float arithmetic.
"""

import argparse
import csv
import io
import random
import re
import zipfile
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import NamedTuple

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from alliance.demo import SERVICE_LINES
from alliance.ledgers.structure import STANDARD_CATEGORIES
from alliance.ledgers.template import build_template

HERE = Path(__file__).resolve().parent
MONTHS = [date(2026 + (i + 3) // 12, (i + 3) % 12 + 1, 1) for i in range(12)]  # Apr-26..Mar-27
SAVED_AT = datetime(2026, 4, 30, 9, 0, 0)  # noqa: DTZ001 (as openpyxl stores it: UTC)
PENNY = Decimal("0.01")
FILES = {
    "vale-mh-trust": "vale-mh-trust-2026-27.xlsx",
    "harbour-recovery": "harbour-recovery-2026-27.xlsx",
    "open-door": "open-door-2026-27.xlsx",
    "riverside-homes": "riverside-homes-2026-27.csv",
}
V2 = ("harbour-recovery", "harbour-recovery-2026-27-v2.xlsx")
HARBOUR_TITLE = ("Harbour Recovery Trust – Open-book ledger", "2026-27, all figures £")
HARBOUR_HEADINGS = ("Date", "Nominal", "Service", "Details", "Payee", "Invoice no", "Net amount")
OPEN_DOOR_TITLE = "Open Door Riverside – budget monitoring 2026-27"
HOMES_HEADINGS = (
    "Period", "Cost Centre", "Account", "Account Description", "Transaction Description",
    "Supplier", "Amount",
)  # fmt: skip
LIMBS = {seed.name: seed.limb for seed in STANDARD_CATEGORIES}
LIMB_LABELS = {"limb1": "Limb 1", "limb2": "Limb 2", "income": "Income"}


class Line(NamedTuple):
    month: date
    category: str  # as the file writes it (a category's name or one of its synonyms)
    service: str
    description: str
    supplier: str
    reference: str
    amount: Decimal


def seeded(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 (made-up sample figures, not secrets)


def pounds(rng: random.Random, low: int, high: int) -> Decimal:
    """A random amount of money between two whole-pound figures, to the penny."""
    return (Decimal(rng.randint(low * 100, high * 100)) / 100).quantize(PENNY)


def share(amount: Decimal, percent: str) -> Decimal:
    return (amount * Decimal(percent) / 100).quantize(PENNY, rounding=ROUND_HALF_UP)


def winter(month: date) -> bool:
    return month.month in (11, 12, 1, 2, 3)  # more agency cover, more sleeping bags


# --- the ledgers' contents -----------------------------------------------------------


def vale_lines() -> list[Line]:
    """The mental health trust: a dozen lines a month, in the template's own names."""
    rng, lines = seeded(2601), []
    for month in MONTHS:
        rows = [
            ("Staff", "Mental health", "Community psychiatric nurses (3.0 WTE), pay and "
             "on-costs", "", pounds(rng, 17_800, 18_400)),
            ("Staff", "Mental health", "Consultant psychiatrist sessions (0.4 WTE)", "",
             pounds(rng, 5_900, 6_150)),
            ("Staff", "Outreach", "Mental health outreach workers (2.0 WTE)", "",
             pounds(rng, 7_600, 7_900)),
            ("Staff", "Peer support", "Peer support workers (1.5 WTE)", "",
             pounds(rng, 4_100, 4_300)),
            ("Staff", "Mental health", "Bank and agency cover", "NHS Professionals",
             pounds(rng, 400, 2_600 if winter(month) else 1_200)),
            ("Premises", "Mental health", "Clinic room hire, Riverside Hub",
             "Riverside City Council", Decimal("1250.00")),
            ("Supplies and services", "Mental health", "Clinical supplies and phlebotomy",
             "NHS Supply Chain", pounds(rng, 300, 700)),
            ("Supplies and services", "Outreach", "Mobile phones and data", "Vodafone Ltd",
             pounds(rng, 180, 260)),
            ("Subcontracted services", "Mental health", "Psychology sessions (sessional)",
             "Riverside Psychology Partnership", pounds(rng, 2_400, 3_600)),
            ("Client costs", "Outreach", "Travel for clients to appointments",
             "Riverside Taxis", pounds(rng, 80, 300)),
        ]  # fmt: skip
        direct = sum((row[-1] for row in rows), Decimal("0.00"))
        rows.append(("Corporate overhead", "Mental health", "Trust overhead recharge at 8%", "",
                     share(direct, "8")))  # fmt: skip
        rows.append(("Other income", "Peer support", "Recovery college course fees",
                     "Riverside Adult Learning", pounds(rng, 200, 600)))  # fmt: skip
        for n, (category, service, description, supplier, amount) in enumerate(rows, start=1):
            reference = f"VMH-{month:%y%m}-{n:02d}"
            lines.append(Line(month, category, service, description, supplier, reference, amount))
    return lines


def harbour_lines() -> list[Line]:
    """The recovery charity: its own nominal names (synonyms) and invoice dates."""
    rng, lines, number = seeded(2602), [], 40_210
    for month in MONTHS:
        rows = [
            ("Salaries", "Drug and alcohol", "Recovery workers (6.0 WTE)", "Payroll",
             pounds(rng, 19_000, 19_600)),
            ("Salaries", "Street outreach", "Street outreach team (4.0 WTE), hosted for the "
             "alliance", "Payroll", pounds(rng, 12_400, 12_900)),
            ("Salaries", "Lived experience", "Peer mentor coordinator", "Payroll",
             pounds(rng, 2_600, 2_700)),
            ("Rent", "Drug and alcohol", "Rent, 14 Harbour Street", "Quayside Properties Ltd",
             Decimal("3450.00")),
            ("Supplies", "Drug and alcohol", "Naloxone kits and harm reduction supplies",
             "Exchange Supplies Ltd", pounds(rng, 400, 900)),
            ("Supplies", "Street outreach", "Sleeping bags and outreach packs",
             "Outdoor Aid CIC", pounds(rng, 350, 600) if winter(month) else pounds(rng, 90, 200)),
            ("Subcontracts", "Drug and alcohol", "Prescribing service, sessional GP",
             "Dockside Medical Practice", pounds(rng, 3_000, 3_400)),
            ("Personal budgets", "Street outreach", "Emergency accommodation, nightly paid",
             "Riverside Lodge", pounds(rng, 600, 1_800)),
            ("Personal budgets", "Lived experience", "Volunteer expenses", "Various",
             pounds(rng, 90, 220)),
        ]  # fmt: skip
        direct = sum((row[-1] for row in rows), Decimal("0.00"))
        rows.append(("Management charge", "Drug and alcohol", "Central costs at 9%",
                     "Harbour Recovery Trust", share(direct, "9")))  # fmt: skip
        if month.month in (4, 7, 10, 1):
            rows.append(("Grants", "Lived experience", "Recovery community grant, quarterly",
                         "Riverside Community Foundation", Decimal("2500.00")))  # fmt: skip
        for category, service, description, supplier, amount in rows:
            number += 1
            day = month.replace(day=28 if supplier == "Payroll" else rng.randint(1, 28))
            lines.append(Line(day, category, service, description, supplier, f"HR{number}", amount))
    return lines


def harbour_v2_lines() -> list[Line]:
    """The correction: two amounts changed, one late invoice added."""
    lines = harbour_lines()
    for index, line in enumerate(lines):
        if line.month.month == 2 and line.description.startswith("Emergency accommodation"):
            lines[index] = line._replace(amount=line.amount + Decimal("412.50"))
        if line.month.month == 3 and line.description.startswith("Recovery workers"):
            lines[index] = line._replace(amount=line.amount - Decimal("1180.00"))
    lines.append(
        Line(date(2027, 3, 24), "Supplies", "Street outreach", "Winter outreach packs, late "
             "invoice", "Outdoor Aid CIC", "HR40399", Decimal("1236.40"))
    )  # fmt: skip
    return lines


#: Open Door's rows: (service, category, monthly low, high, which months; None for every)
OPEN_DOOR_ROWS = (
    ("Peer support", "Staff", 6_200, 6_500, None),
    ("Peer support", "Client costs", 300, 900, None),
    ("Peer support", "Supplies and services", 150, 400, None),
    ("Outreach", "Staff", 4_100, 4_300, None),
    ("Outreach", "Client costs", 200, 700, None),
    ("Housing support", "Staff", 3_000, 3_200, None),
    ("Housing support", "Premises", 1_100, 1_100, None),
    ("Mental health", "Subcontracted services", 1_800, 1_800, (6, 9, 12, 3)),
    ("Peer support", "Grant income", 1_500, 1_500, (4, 7, 10, 1)),
)


def open_door_lines() -> list[Line]:
    """The community charity: one amount per category and month (Total row, Total column)."""
    rng, lines = seeded(2603), []
    for service, category, low, high, months in OPEN_DOOR_ROWS:
        for month in MONTHS:
            if months is None or month.month in months:
                lines.append(Line(month, category, service, "", "", "", pounds(rng, low, high)))
    by_month: dict[date, Decimal] = {}
    for line in lines:
        if LIMBS[line.category].value == "limb1":
            by_month[line.month] = by_month.get(line.month, Decimal("0.00")) + line.amount
    for month in MONTHS:
        lines.append(Line(month, "Corporate overhead", "", "", "", "", share(by_month[month], "7")))
    return lines


def homes_lines() -> list[Line]:
    """The housing association's finance system: account names, credit notes negative."""
    rng, lines, journal = seeded(2604), [], 88_100
    for month in MONTHS:
        rows = [
            ("Tenancy sustainment", "Salaries", "Payroll – tenancy sustainment officers",
             "", pounds(rng, 14_200, 14_700)),
            ("Supported housing", "Salaries", "Payroll – support workers, Mill Lane",
             "", pounds(rng, 21_300, 21_900)),
            ("Supported housing", "Rent", "Lease, 22 Mill Lane (8 units)", "Vale Property LLP",
             Decimal("9800.00")),
            ("Supported housing", "Repairs and maintenance", "Responsive repairs",
             "Riverside Building Services", pounds(rng, 700, 2_400)),
            ("Supported housing", "Supplies", "Furniture packs for new tenants",
             "Furniture Resource Centre", pounds(rng, 300, 1_500)),
            ("Tenancy sustainment", "Client support", "Rent deposits and arrears support",
             "Various landlords", pounds(rng, 1_000, 3_200)),
            ("Supported housing", "Subcontracts", "Out-of-hours concierge",
             "SecureWatch Ltd", pounds(rng, 2_050, 2_150)),
        ]  # fmt: skip
        if month.month == 10:
            rows.append(("Supported housing", "Repairs and maintenance", "Credit note – "
                         "duplicate invoice 4471", "Riverside Building Services",
                         Decimal("-1250.00")))  # fmt: skip
        if month.month == 2:
            rows.append(("Supported housing", "Supplies", "Credit note – returned beds",
                         "Furniture Resource Centre", Decimal("-486.20")))  # fmt: skip
        direct = sum((row[-1] for row in rows), Decimal("0.00"))
        rows.append(("Tenancy sustainment", "Management charge", "Group management charge at "
                     "11%", "", share(direct, "11")))  # fmt: skip
        rows.append(("Tenancy sustainment", "Margin", "Margin at 2%", "", share(direct, "2")))
        for service, account, description, supplier, amount in rows:
            journal += 1
            lines.append(
                Line(month, account, service, description, supplier, f"J{journal}", amount)
            )
    return lines


ACCOUNT_CODES = {
    "Salaries": "5000", "Rent": "5100", "Repairs and maintenance": "5150", "Supplies": "5200",
    "Client support": "5300", "Subcontracts": "5400", "Management charge": "6000",
    "Margin": "6100",
}  # fmt: skip


def ledgers() -> dict[str, list[Line]]:
    """Every sample's lines by file name (what the files hold, without their totals)."""
    return {
        FILES["vale-mh-trust"]: vale_lines(),
        FILES["harbour-recovery"]: harbour_lines(),
        FILES["open-door"]: open_door_lines(),
        FILES["riverside-homes"]: homes_lines(),
        V2[1]: harbour_v2_lines(),
    }


# --- the files -------------------------------------------------------------------------


def total(lines: list[Line]) -> Decimal:
    return total_of([line.amount for line in lines])


def total_of(values: list[Decimal | None]) -> Decimal:
    return sum((value for value in values if value is not None), Decimal("0.00"))


def fixed_bytes(book: Workbook) -> bytes:
    """Save with a fixed creation time and fixed zip timestamps, so the bytes repeat."""
    book.properties.creator = "Riverside demo"
    book.properties.created = SAVED_AT
    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()
    stamp = SAVED_AT.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            fixed = zipfile.ZipInfo(info.filename, date_time=SAVED_AT.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, data)
    return out.getvalue()


def vale_file(lines: list[Line]) -> bytes:
    service_lines = [name for name, _ in SERVICE_LINES]
    template = build_template([seed.name for seed in STANDARD_CATEGORIES], service_lines)
    book = load_workbook(io.BytesIO(template))
    sheet = book["Ledger"]
    for row, line in enumerate(lines, start=2):
        limb = LIMB_LABELS[LIMBS[line.category].value]
        values = (line.month, line.category, line.service, limb, line.description,
                  line.supplier, line.reference, line.amount)  # fmt: skip
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row, column=column, value=value or None)
    return fixed_bytes(book)


def harbour_file(lines: list[Line]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Ledger 2026-27"
    sheet.append([HARBOUR_TITLE[0]])
    sheet.append([HARBOUR_TITLE[1]])
    sheet.append([])
    sheet.append(list(HARBOUR_HEADINGS))
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for index, line in enumerate(lines):
        # Some amounts were pasted in from e-mails as text, pound sign and all.
        amount = f"£{line.amount:,.2f}" if index % 6 == 2 else line.amount
        sheet.append([line.month, line.category, line.service, line.description,
                      line.supplier, line.reference, amount])  # fmt: skip
        sheet.cell(row=sheet.max_row, column=1).number_format = "dd/mm/yyyy"
        sheet.cell(row=sheet.max_row, column=7).number_format = "#,##0.00"
    sheet.append(["Total", None, None, None, None, None, total(lines)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.cell(row=sheet.max_row, column=7).number_format = "#,##0.00"
    for letter, width in zip("ABCDEFG", (12, 20, 18, 52, 30, 12, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    return fixed_bytes(book)


def open_door_file(lines: list[Line]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Budget monitoring"
    sheet.append([OPEN_DOOR_TITLE])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(["Service", "Cost category", *(f"{month:%b-%y}" for month in MONTHS), "Total"])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    rows: dict[tuple[str, str], dict[date, Decimal]] = {}
    for line in lines:
        rows.setdefault((line.service, line.category), {})[line.month] = line.amount
    for (service, category), amounts in rows.items():
        cells = [amounts.get(month) for month in MONTHS]
        sheet.append([service or None, category, *cells, total_of(cells)])
    columns = [total_of([amounts.get(month) for amounts in rows.values()]) for month in MONTHS]
    sheet.append(["Total", None, *columns, total_of(columns)])
    for cell in (cell for row in sheet.iter_rows(min_row=4, min_col=3) for cell in row):
        cell.number_format = "#,##0.00"
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 18, 24
    sheet.freeze_panes = "C4"
    return fixed_bytes(book)


def homes_file(lines: list[Line]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HOMES_HEADINGS)
    for line in lines:
        writer.writerow([
            f"{line.month:%Y-%m}", line.service, ACCOUNT_CODES[line.category], line.category,
            line.description, line.supplier, f"{line.amount:,.2f}",
        ])  # fmt: skip
    return out.getvalue().encode("utf-8")


WRITERS = {
    FILES["vale-mh-trust"]: vale_file,
    FILES["harbour-recovery"]: harbour_file,
    FILES["open-door"]: open_door_file,
    FILES["riverside-homes"]: homes_file,
    V2[1]: harbour_file,
}


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in ledgers().items():
        (folder / name).write_bytes(WRITERS[name](lines))
    return [folder / name for name in WRITERS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into")
    args = parser.parse_args()
    for path, lines in zip(write_all(args.out), ledgers().values(), strict=True):
        print(f"{path.name}: {len(lines)} lines, total £{total(lines):,}")


if __name__ == "__main__":
    main()
