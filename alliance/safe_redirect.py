"""Follow a `next` parameter only to a path on this site."""

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    """Return target if it is a same-site relative path, else the default."""
    if not target:
        return default
    if "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target
