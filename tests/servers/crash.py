"""The kill -9 trial harness: send a request, SIGKILL the server midway, then check and retry.

Two kinds of kill take turns. Most trials SIGKILL the gunicorn worker (and the ledger reader
it may have started): the master forks a new worker at once, as it would after a crash
in production. Every fifth trial SIGKILLs the whole process group, master included, and a
server booted in the background meanwhile takes over (booting costs seconds, so it is not
done between trials). Either way the process holding the database connection dies with no
chance to roll back, close or flush anything.
"""

import contextlib
import os
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.engine import make_url

from tests.servers.checks import WriteProbe, problems
from tests.servers.support import PROC, AppServer, audit_verify

#: Trials per operation; SECURITY.md (c) asks 50, a default run does fewer.
TRIALS = int(os.environ.get("ALLIANCE_FAULT_TRIALS", "10"))
WHOLE_SERVER_EVERY = 5
#: Kills are spread over this share of a request's unkilled duration: its last moments
#: are only the answer being written, and a request killed after answering proves nothing.
SPREAD = 4 / 5
#: Every trial uploads a ledger file or two: lift the per-person upload allowance.
ENV = {"ALLIANCE_LEDGER_UPLOADS_PER_WINDOW": "1000"}


def one_kind(_n: int) -> str:
    return "request"


class Relay:
    """The server serving now, and the next one booting behind it to take over."""

    def __init__(self, start_server):
        self.start_server, self.booted = start_server, 0
        self.current: AppServer = self._boot().wait_ready()
        self.standby: AppServer = self._boot()

    def _boot(self) -> AppServer:
        self.booted += 1
        return self.start_server(
            f"relay-{self.booted}", ready=False, workers=1, preload=True, env=ENV
        )

    def kill(self, *, whole_server: bool) -> None:
        if whole_server or not PROC.is_dir():  # without /proc the workers cannot be found
            self.current.kill()
            self.current = self.standby.wait_ready()
            self.standby = self._boot()
        else:
            self.current.kill_workers()
            self.current.wait_ready()


@dataclass
class Operation:
    """One kind of request to kill, and how to tell whether its change is in the database.

    `prepare(n)` readies trial n (negative n: an unkilled warm-up) and returns its context;
    `send(context)` makes the request; `present(context)` says whether its change was
    committed; `retry(context, present)` is the person trying again, and asserts success.
    `kind(n)`, when requests take turns, says which kind trial n kills.
    """

    name: str
    prepare: Callable
    send: Callable
    present: Callable
    retry: Callable
    kind: Callable[[int], str] = one_kind
    warm_ups: int = 2
    durations: dict = field(default_factory=dict)
    landed: Counter = field(default_factory=Counter)
    whole_servers: int = 0

    def measure(self) -> None:
        """Time each kind of request, unkilled (the quickest of its `warm_ups` counts)."""
        wanted = Counter(dict.fromkeys({self.kind(n) for n in range(TRIALS)}, self.warm_ups))
        n = 0
        while +wanted:
            n -= 1
            kind = self.kind(n)
            if wanted[kind] == 0:
                continue
            context = self.prepare(n)
            started = time.perf_counter()
            response = self.send(context)
            took = time.perf_counter() - started
            self.durations[kind] = min(took, self.durations.get(kind, took))
            assert response.status_code == 302, response.text
            wanted[kind] -= 1

    def report(self) -> str:
        parts = ", ".join(f"{n} {where}" for where, n in sorted(self.landed.items()))
        takes = ", ".join(f"{k} {round(s * 1000)} ms" for k, s in sorted(self.durations.items()))
        return (
            f"kill -9 during {self.name}: {sum(self.landed.values())} trials, "
            f"{self.whole_servers} of them of the whole server ({parts}); unkilled: {takes}"
        )


def kill_midway(relay: Relay, probe: WriteProbe, send, delay, *, whole_server: bool):
    """Send; SIGKILL `delay` seconds later; say (answer so far, writing) at that instant."""
    answers = []

    def request():
        # A server that dies under the request drops the connection (an OSError).
        with contextlib.suppress(OSError):
            answers.append(send())

    thread = threading.Thread(target=request)
    started = time.perf_counter()
    thread.start()
    time.sleep(max(0, delay - (time.perf_counter() - started)))
    writing = probe.writing()
    answered = list(answers)
    relay.kill(whole_server=whole_server)
    thread.join(timeout=60)
    probe.settle()
    return (answered[0] if answered else None), writing


def where_it_landed(answered: bool, writing: bool, present: bool) -> str:
    if answered:
        return "after the answer"
    if present:
        return "after the commit"
    return "mid-transaction, rolled back" if writing else "before any write"


def run_trials(operation: Operation, relay: Relay, db_url: str) -> Operation:
    """TRIALS kills, each kind's spread evenly (with jitter) over its measured duration."""
    relay.standby.wait_ready()  # a server booting alongside would slow the measured requests
    operation.measure()
    planned = Counter(operation.kind(n) for n in range(TRIALS))
    seen = Counter()
    probe = WriteProbe(db_url)
    try:
        for n in range(TRIALS):
            context = operation.prepare(n)
            kind = operation.kind(n)
            window = operation.durations[kind] * SPREAD
            delay = window * (seen[kind] + random.random()) / planned[kind]
            seen[kind] += 1
            whole_server = n % WHOLE_SERVER_EVERY == WHOLE_SERVER_EVERY - 1
            operation.whole_servers += whole_server
            answer, writing = kill_midway(
                relay, probe, lambda c=context: operation.send(c), delay, whole_server=whole_server
            )
            if answer is not None:  # the kill came too late: the request must have worked
                assert answer.status_code == 302, answer.text
            present = operation.present(context)
            operation.landed[where_it_landed(answer is not None, writing, present)] += 1
            assert problems(db_url) == [], f"{operation.name}, trial {n}"
            operation.retry(context, present)
    finally:
        probe.close()
    print(f"\n{make_url(db_url).get_backend_name()}: {operation.report()}")
    # Kills after the answer prove nothing: most must land while the request is at work.
    assert operation.landed["after the answer"] <= TRIALS // 2, operation.report()
    verified = audit_verify(db_url)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    return operation
