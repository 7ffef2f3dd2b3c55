"""Kept: results by key, worked out once, the least recently used dropped first."""

from alliance.cache import Kept


def test_a_result_is_worked_out_once_per_key_and_the_least_recent_is_dropped():
    made = []

    def make(key):
        return lambda: made.append(key) or f"result {key}"

    kept = Kept(2)
    assert kept.get("a", make("a")) == "result a"
    assert kept.get("a", make("a")) == "result a"
    kept.get("b", make("b"))
    kept.get("a", make("a"))  # a is now the most recently used
    kept.get("c", make("c"))  # so b is dropped
    kept.get("a", make("a"))
    kept.get("b", make("b"))
    assert made == ["a", "b", "c", "b"]
