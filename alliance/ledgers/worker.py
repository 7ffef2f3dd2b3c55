"""Read an uploaded file in a child process with memory and time limits.

No file may take the web worker down: python-calamine aborts its whole process on some
crafted files (a 549 GB allocation for one far-corner cell), and any parser can be made to
spin. So the parent sends the bytes and the options to a child Python running ``main``
here (``python -m alliance.ledgers.worker`` does the same) on stdin. The child loads only
the pure ledger modules, not the web application (half the start-up time), and lowers its
own address-space and CPU limits before reading a byte,
builds the preview (parsing.py) and writes it as JSON on stdout. Progress goes to stderr as
``progress ROW ROWS`` lines. A child that dies, overruns or writes nonsense is reported as a
refusal; the parent carries on.
"""

import contextlib
import gc
import json
import os
import resource
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from alliance.ledgers.preview import Line
from alliance.ledgers.safety import Limits

PACKAGE = str(Path(__file__).resolve().parents[1])  # the alliance package's folder
#: The child's program: ``alliance`` as a bare namespace (its __init__ builds the Flask app,
#: which the child never needs), then this module's ``main``.
BOOT = (
    "import sys, types; package = types.ModuleType('alliance'); "
    f"package.__path__ = [{PACKAGE!r}]; sys.modules['alliance'] = package; "
    "from alliance.ledgers.worker import main; sys.exit(main())"
)


@dataclass(frozen=True)
class Sandbox:
    memory_mb: int = 1024
    seconds: int = 60


#: How much less CPU priority the reading child has than the web worker (0 to 19).
NICENESS = 10


def _refusal(code: str, message: str) -> dict:
    return {"refused": {"code": code, "message": message}}


def preview_file(
    data: bytes,
    options: dict,
    *,
    limits: Limits | None = None,
    sandbox: Sandbox | None = None,
    progress=None,
) -> dict:
    """The preview of ``data`` (see parsing.build_preview), built in a bounded child."""
    limits, sandbox = limits or Limits(), sandbox or Sandbox()
    if len(data) > limits.max_bytes:  # the cheap check, before paying for a process
        from alliance.ledgers.safety import Refused, check_file

        try:
            check_file(data, limits)
        except Refused as refusal:
            return _refusal(refusal.code, refusal.message)
    head = json.dumps(
        {"options": options, "limits": asdict(limits), "sandbox": asdict(sandbox)}
    ).encode()
    child = subprocess.Popen(  # noqa: S603 - our own program; the file goes to its stdin
        [sys.executable, "-c", BOOT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    out: list[bytes] = []
    err: list[bytes] = []

    def feed() -> None:
        try:
            child.stdin.write(len(head).to_bytes(8, "big") + head + data)
            child.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    def drain_out() -> None:
        out.append(child.stdout.read())

    def drain_err() -> None:
        for line in child.stderr:
            if line.startswith(b"progress ") and progress is not None:
                row, rows = line.split()[1:3]
                progress(int(row), int(rows))
            else:
                err.append(line)

    threads = [threading.Thread(target=f, daemon=True) for f in (feed, drain_out, drain_err)]
    for thread in threads:
        thread.start()
    try:
        child.wait(timeout=sandbox.seconds + 5)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        _close(child, threads)
        return _refusal(
            "too_slow",
            f"Reading the file took longer than {sandbox.seconds} seconds, so it was stopped. "
            "Remove sheets and columns that are not the ledger, or split it by period.",
        )
    _close(child, threads)
    if child.returncode != 0 or not out or not out[0]:
        return _refusal(
            "unreadable",
            "The file could not be read: the reader stopped (it ran out of memory or time, "
            "or the file is damaged or built to cause harm). Save it again from Excel as "
            ".xlsx and upload the new copy.",
        )
    try:
        result = json.loads(out[0])
        result["lines"] = [Line._make(line) for line in result.get("lines", [])]
    except (ValueError, TypeError):
        return _refusal("unreadable", "The file could not be read.")
    return result


def _close(child: subprocess.Popen, threads: list[threading.Thread]) -> None:
    """Let the readers finish, then close the pipes (a dead child's pipes are at EOF)."""
    for thread in threads:
        thread.join(timeout=5)
    for stream in (child.stdin, child.stdout, child.stderr):
        with contextlib.suppress(OSError):
            stream.close()


def _limit_self(sandbox: Sandbox) -> None:
    # Reading a big file is batch work: pages for other people come first for the CPU.
    os.nice(NICENESS)
    memory = sandbox.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (sandbox.seconds, sandbox.seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main() -> int:
    stream = sys.stdin.buffer
    size = int.from_bytes(stream.read(8), "big")
    request = json.loads(stream.read(size))
    _limit_self(Sandbox(**request["sandbox"]))
    # The reading makes a few million short-lived objects and no cycles that matter, and
    # the process ends when it is done: the cyclic collector only costs time here (a
    # fifth of a 100,000-line CSV's reading), and the address-space limit bounds memory.
    gc.disable()
    data = stream.read()

    from alliance.ledgers.parsing import build_preview

    def report(row: int, rows: int) -> None:
        sys.stderr.write(f"progress {row} {rows}\n")
        sys.stderr.flush()

    result = build_preview(data, request["options"], Limits(**request["limits"]), report)
    sys.stdout.write(json.dumps(result, default=str))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
