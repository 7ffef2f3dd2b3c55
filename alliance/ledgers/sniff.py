"""Cheap looks at bytes that say what a file is not. Pure; safety.py turns them into refusals.

- ``not_a_spreadsheet``: the signatures of common non-spreadsheet files (PDF, images,
  programs, archives) and web pages or XML, which would otherwise pass as "text" and so
  as CSV;
- ``declares_entities``: whether an XML part has a document type declaration. Office files
  never carry one; a ``<!DOCTYPE`` or ``<!ENTITY`` is how billion-laughs and external
  entity (XXE) attacks begin, so such a part is refused before any parser sees it.
"""

import re
from typing import IO

SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "an image"),
    (b"\xff\xd8\xff", "an image"),
    (b"GIF8", "an image"),
    (b"\x7fELF", "a program"),
    (b"\x1f\x8b", "a compressed archive"),
    (b"Rar!", "a compressed archive"),
    (b"7z\xbc\xaf\x27\x1c", "a compressed archive"),
    (b"{\\rtf", "a word-processor document"),
)
_MARKUP = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(?:!doctype|!--|html|\?xml|head|body|svg)", re.I)
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_ELEMENT = re.compile(rb"<[A-Za-z_]")


def not_a_spreadsheet(data: bytes) -> str | None:
    """What the file is instead (``"a PDF document"``), or None if it may be a spreadsheet."""
    for magic, kind in SIGNATURES:
        if data.startswith(magic):
            return kind
    if data.startswith(b"MZ") and (b"PE\0\0" in data[:4096] or b"program" in data[:512]):
        return "a program"  # a text file may begin "MZ", so look for the Windows header too
    if _MARKUP.match(data[:1024]):
        return "a web page or XML document"
    return None


def declares_entities(stream: IO[bytes], chunk: int = 65536, limit: int = 1 << 20) -> bool:
    """Whether the XML prolog (everything before the first element) declares a DTD."""
    seen = b""
    while len(seen) < limit:
        more = stream.read(chunk)
        if not more:
            break
        seen += more
        element = _ELEMENT.search(seen)
        head = seen if element is None else seen[: element.start()]
        if _DECLARATION.search(head):
            return True
        if element is not None:
            return False
    return _DECLARATION.search(seen) is not None
