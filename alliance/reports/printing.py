"""HTML to PDF, printed by WeasyPrint from the same HTML the board pack page shows.

The document is made from our own template and data only. WeasyPrint is given no base
address and a fetcher that refuses everything, so nothing in a pack (a link someone
typed, say) can make the server fetch a file or a web address while printing.
"""


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the Pango library it needs is not installed on this server."""


def _refuse(url: str, *args, **kwargs):
    raise ValueError(f"The board pack fetches nothing while printing (asked for {url[:80]}).")


def html_to_pdf(html: str) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the Pango library is missing
        raise PdfUnavailable(
            "PDFs need WeasyPrint and the Pango library (Debian: libpango-1.0-0 "
            "libpangoft2-1.0-0). The page and the spreadsheet work without them."
        ) from exc
    return HTML(string=html, url_fetcher=_refuse).write_pdf()
