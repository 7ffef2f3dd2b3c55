"""The accessibility statement: public, linked from every page, and true about the PDF."""

import io
import re

from pypdf import PdfReader

from alliance.reports.printing import html_to_pdf
from tests.support import PASSWORD

FOOTER_LINK = re.compile(r'<footer.*href="/accessibility"[^>]*>Accessibility statement</a>', re.S)


def test_the_statement_answers_without_signing_in(browser):
    response = browser.get("/accessibility")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<h1 class="govuk-heading-l">Accessibility statement' in page
    for words in (
        "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility "
        "Regulations 2018",
        "Equality and Human Rights Commission (EHRC)",
        "Equality Advisory and Support Service (EASS)",
        "Equality Commission for Northern Ireland",
        "partially compliant with the",
        "Web Content Accessibility Guidelines version 2.2</a> AA standard",
        "This statement was prepared on 23 November 2026.",
        "We have not yet tested the website by hand with screen readers",
    ):
        assert words in page, words


def test_the_sign_in_page_links_to_the_statement_from_its_footer(browser):
    page = browser.get("/sign-in").get_data(as_text=True)
    assert FOOTER_LINK.search(page)


def test_pages_for_signed_in_people_link_to_the_statement_too(browser, world):
    assert browser.sign_in(world.emails["observer"], PASSWORD).status_code == 302
    page = browser.get("/alliances/riverside/").get_data(as_text=True)
    assert FOOTER_LINK.search(page)


def test_the_board_pack_pdf_is_untagged_as_the_statement_says(browser):
    """When PDFs are printed with tags, this fails: then the statement must change."""
    statement = browser.get("/accessibility").get_data(as_text=True)
    assert "the board pack's PDF is not a tagged PDF" in statement
    pdf = html_to_pdf('<html lang="en-GB"><title>Pack</title><h1>Pack</h1><p>Text</p></html>')
    catalogue = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert "/StructTreeRoot" not in catalogue and "/MarkInfo" not in catalogue
