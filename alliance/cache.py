"""Results worked out from records that are never edited, kept in this process.

Ledger versions are immutable: what is summed from a version's lines stays true for as
long as that version exists. A key names the versions it was worked out from (their
ids, originals' hashes and times submitted, unique even where a database is emptied
and its ids start again), so a new version is a new key and nothing is ever stale.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Kept(Generic[T]):
    """The last ``size`` results by key, least recently used dropped first; thread-safe
    (gthread workers). Two threads missing the same key both work it out: harmless."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._found: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._found:
                self._found.move_to_end(key)
                return self._found[key]
        made = make()
        with self._lock:
            self._found[key] = made
            while len(self._found) > self.size:
                self._found.popitem(last=False)
        return made
