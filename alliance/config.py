"""Settings from the environment, with safe defaults."""

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def instance_path() -> Path:
    """Return the folder for the database file and the generated secret key."""
    return Path(os.environ.get("ALLIANCE_INSTANCE_PATH") or PROJECT_ROOT / "instance")


def default_database_url() -> str:
    return f"sqlite:///{instance_path() / 'alliance.db'}"


def _secret_key(folder: Path) -> str:
    """Read SECRET_KEY, or generate one into the instance folder on first run."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = folder / "secret_key"
    if not key_file.exists():
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


def load_config(overrides: dict | None = None) -> dict:
    """Build the Flask configuration from the environment (overrides win)."""
    overrides = overrides or {}
    folder = Path(overrides.get("INSTANCE_PATH") or instance_path())
    secure = _flag("ALLIANCE_SECURE_COOKIES", True)
    hosts = [
        h.strip() for h in os.environ.get("ALLIANCE_TRUSTED_HOSTS", "").split(",") if h.strip()
    ]
    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or default_database_url(),
        "SECRET_KEY": overrides.get("SECRET_KEY") or _secret_key(folder),
        # Old keys still accepted after a rotation (comma-separated); drop them to sign
        # everyone out.
        "SECRET_KEY_FALLBACKS": [
            k.strip() for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k.strip()
        ],
        "INSTANCE_PATH": str(folder),
        # Cookies: the __Host- prefix needs Secure, so plain-HTTP development drops both.
        "SESSION_COOKIE_NAME": "__Host-session" if secure else "session",
        "SESSION_COOKIE_SECURE": secure,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_IDLE_MINUTES": _int("ALLIANCE_SESSION_IDLE_MINUTES", 30),
        "SESSION_ABSOLUTE_HOURS": _int("ALLIANCE_SESSION_ABSOLUTE_HOURS", 12),
        "WTF_CSRF_TIME_LIMIT": _int("ALLIANCE_CSRF_TIME_LIMIT", 3600),
        "MAX_CONTENT_LENGTH": _int("ALLIANCE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024),
        # Ledger files: size, sheet bounds, and the reading child's memory and time.
        "LEDGER_MAX_BYTES": _int("ALLIANCE_LEDGER_MAX_BYTES", 20 * 1024 * 1024),
        "LEDGER_MAX_ROWS": _int("ALLIANCE_LEDGER_MAX_ROWS", 250_000),
        "LEDGER_MAX_COLUMNS": _int("ALLIANCE_LEDGER_MAX_COLUMNS", 200),
        # xlsx and ods are zips: the largest part and the whole, unpacked (SECURITY.md A5).
        "LEDGER_MAX_PART_BYTES": _int("ALLIANCE_LEDGER_MAX_PART_BYTES", 25 * 1024 * 1024),
        "LEDGER_MAX_UNPACKED_BYTES": _int("ALLIANCE_LEDGER_MAX_UNPACKED_BYTES", 50 * 1024 * 1024),
        # New files per person per window (429 beyond), and each organisation's storage.
        "LEDGER_UPLOADS_PER_WINDOW": _int("ALLIANCE_LEDGER_UPLOADS_PER_WINDOW", 10),
        "LEDGER_UPLOAD_WINDOW_MINUTES": _int("ALLIANCE_LEDGER_UPLOAD_WINDOW_MINUTES", 10),
        "LEDGER_STORAGE_QUOTA_BYTES": _int(
            "ALLIANCE_LEDGER_STORAGE_QUOTA_BYTES", 500 * 1024 * 1024
        ),
        "LEDGER_WORKER_MEMORY_MB": _int("ALLIANCE_LEDGER_WORKER_MEMORY_MB", 1024),
        "LEDGER_WORKER_SECONDS": _int("ALLIANCE_LEDGER_WORKER_SECONDS", 60),
        "TRUSTED_HOSTS": hosts or None,
        "PROXY_HOPS": _int("ALLIANCE_PROXY_HOPS", 0),
        # Sign-in throttling, counted in the database so every app server sees it.
        "LOGIN_WINDOW_MINUTES": _int("ALLIANCE_LOGIN_WINDOW_MINUTES", 15),
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": _int("ALLIANCE_LOGIN_MAX_FAILURES_PER_ACCOUNT", 10),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": _int("ALLIANCE_LOGIN_MAX_FAILURES_PER_ADDRESS", 30),
        # Votes, closing a decision and role changes need a sign-in this recent.
        "FRESH_SIGN_IN_MINUTES": _int("ALLIANCE_FRESH_SIGN_IN_MINUTES", 15),
        # A password accepted, waiting for the second factor's code, for this long.
        "SECOND_FACTOR_PENDING_MINUTES": _int("ALLIANCE_SECOND_FACTOR_PENDING_MINUTES", 5),
        "PASSWORD_MIN_LENGTH": _int("ALLIANCE_PASSWORD_MIN_LENGTH", 15),
        "INVITATION_TTL_HOURS": _int("ALLIANCE_INVITATION_TTL_HOURS", 72),
        # argon2id cost; the defaults are argon2-cffi's RFC 9106 low-memory profile.
        "ARGON2_TIME_COST": _int("ALLIANCE_ARGON2_TIME_COST", 3),
        "ARGON2_MEMORY_KIB": _int("ALLIANCE_ARGON2_MEMORY_KIB", 65536),
        "ARGON2_PARALLELISM": _int("ALLIANCE_ARGON2_PARALLELISM", 4),
        "PAGE_SIZE": 50,
        # E-mail (reminders). Without a host, reminders are in-app only.
        "SMTP_HOST": os.environ.get("ALLIANCE_SMTP_HOST", ""),
        "SMTP_PORT": _int("ALLIANCE_SMTP_PORT", 25),
        "SMTP_FROM": os.environ.get("ALLIANCE_SMTP_FROM", "alliance@localhost"),
        "SMTP_USERNAME": os.environ.get("ALLIANCE_SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("ALLIANCE_SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _flag("ALLIANCE_SMTP_STARTTLS", False),
        #: The site's address, for links in e-mails.
        "BASE_URL": os.environ.get("ALLIANCE_BASE_URL", "http://127.0.0.1:5000"),
        "REMINDER_HOURS": _int("ALLIANCE_REMINDER_HOURS", 24),
    } | overrides
