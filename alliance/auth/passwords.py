"""argon2id password hashing, configured once from the app settings."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
_dummy_hash: str | None = None


def configure(*, time_cost: int, memory_kib: int, parallelism: int) -> None:
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
    _dummy_hash = None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Check a password; with no stored hash, spend the same time and say no."""
    global _dummy_hash
    if stored is None:
        # Unknown people cost the same as known ones, so timing does not tell them apart.
        if _dummy_hash is None:
            _dummy_hash = _hasher.hash("not a real password")
        _check(_dummy_hash, password)
        return False
    return _check(stored, password)


def _check(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)
