"""`alliance import-ledger`: the same preview as the web page, then (unless --dry-run) a version."""

import sys
from pathlib import Path

import click

from alliance.actors import CLI
from alliance.cli.common import Refused, in_session

SHOWN = 100


def _mapping_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    from alliance.ledgers.mapping import FIELDS

    mapping = {}
    for pair in pairs:
        column, sep, field = pair.rpartition("=")
        if not sep or not column.strip():
            raise click.BadParameter(f"“{pair}” is not COLUMN=FIELD", param_hint="--map")
        if field.strip() not in FIELDS:
            raise click.BadParameter(
                f"“{field}” is not a field; use one of {', '.join(FIELDS)}", param_hint="--map"
            )
        mapping[column.strip()] = field.strip()
    return mapping


def print_preview(preview: dict) -> None:
    where = preview.get("sheet") or "CSV"
    encoding = f", read as {preview['encoding']}" if preview.get("encoding") else ""
    click.echo(
        f"Read {preview['kind']} ({where}{encoding}); headings on row {preview['header_row']}"
    )
    mapped = [f"{c['letter']} “{c['name']}” → {c['field']}" for c in preview["columns"]]
    click.echo("Mapping (" + preview["mapping_source"] + "):")
    for text, column in zip(mapped, preview["columns"], strict=True):
        if column["field"] != "ignore":
            click.echo(f"  {text}")
    click.echo(f"Lines: {preview['line_count']}")
    click.echo(f"Total: {preview['total']}")
    control = preview.get("control_total")
    if control:
        verdict = "matches" if control["matches"] else "does NOT match"
        click.echo(
            f"Control total: {control['where']} “{control['label']}” {control['amount']} "
            f"{verdict} the lines"
        )
    counts = preview["problem_counts"]
    click.echo(
        f"Problems: {counts['error']} errors, {counts['warning']} warnings, "
        f"{counts['notice']} notices"
    )
    for problem in preview["problems"][:SHOWN]:
        click.echo(f"  {problem['where']}: {problem['message']} [{problem['severity']}]")
    shown = min(len(preview["problems"]), SHOWN)
    total = sum(counts.values())
    if total > shown:
        click.echo(f"  … and {total - shown:,} more")


class _Progress:
    """A progress bar on stderr for large files, fed by the reading child."""

    def __init__(self) -> None:
        self.bar = None
        self.done = 0

    def __call__(self, row: int, rows: int) -> None:
        if rows < 20_000:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=rows, label="Reading", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(row - self.done)
        self.done = row

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@click.command("import-ledger")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--alliance", "slug", required=True, help="The alliance's slug.")
@click.option("--org", "org", required=True, help="The organisation's slug, id or exact name.")
@click.option("--period", required=True, help="The months the ledger covers: 2026-04..2027-03.")
@click.option("--sheet", help="The sheet to read (default: “Ledger”, else the only table).")
@click.option("--header-row", type=click.IntRange(min=1), help="The row of the headings.")
@click.option("--scale", type=click.Choice(["1", "1000"]), default="1", help="£ or £000s.")
@click.option("--map", "maps", multiple=True, help="COLUMN=FIELD, e.g. E=amount (repeatable).")
@click.option("--dry-run", is_flag=True, help="Show the preview; store nothing.")
@in_session
def import_ledger(session, file, slug, org, period, sheet, header_row, scale, maps, dry_run):
    """Import a provider's ledger from xlsx, xls, ods or csv, with the same checks as the web."""
    from alliance.cli.register import _alliance
    from alliance.ledgers import services
    from alliance.ledgers.rules import parse_range
    from alliance.ledgers.versions import find_organisation

    try:
        start, end = parse_range(period)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--period") from None
    given = _mapping_pairs(maps)
    alliance = _alliance(session, slug)
    organisation = find_organisation(session, alliance, org)
    data = file.read_bytes()
    choices = services.Choices(start, end, int(scale), sheet, header_row, None)
    progress = _Progress()
    try:
        preview = services.read_file(session, alliance, organisation, data, choices, progress)
        if given and "refused" not in preview:
            from alliance.ledgers.mapping import merge_mapping

            choices.mapping = merge_mapping(preview["columns"], preview["mapping"], given)
            preview = services.read_file(session, alliance, organisation, data, choices)
    finally:
        progress.close()
    if "refused" in preview:
        if not dry_run:
            import hashlib

            services.record_refusal(
                session,
                CLI,
                alliance,
                organisation,
                file.name,
                hashlib.sha256(data).hexdigest(),
                preview["refused"],
                choices,
            )
            session.commit()
        raise Refused(f"the file was refused: {preview['refused']['message']}")
    print_preview(preview)
    if preview["problem_counts"]["error"]:
        raise Refused(
            f"the file has {preview['problem_counts']['error']:,} errors; nothing was stored"
        )
    if dry_run:
        click.echo("Dry run: nothing was stored.")
        return
    services.check_quota(session, organisation, len(data))
    version = services.submit_lines(
        session,
        CLI,
        alliance,
        organisation,
        filename=file.name,
        data=data,
        preview=preview,
        choices=choices,
        based_on=services.current_number(session, organisation, start, end),
    )
    click.echo(
        f"Imported as version {version.number} of {organisation.name}'s ledger for "
        f"{period} ({version.line_count:,} lines)."
    )
