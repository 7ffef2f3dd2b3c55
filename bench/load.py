"""Benchmark the site under load: browsing, ledger uploads and voting at once, on gunicorn
and PostgreSQL, against the same server's bare page.

It creates a PostgreSQL database of its own (dropped at the end), builds an alliance of
20 members (bench/load_world.py: a board seat each, 5 providers with a finance lead and a
20,000-line ledger each, open decisions, learning, a pool) and 50 readers, starts
gunicorn with 4 sync workers on 127.0.0.1 (as the README deploys it), and drives it with
Locust, headless, as a library (bench/load_users.py), every person signing in through the
real sign-in form:

1. the bare page alone: the sign-in form (the cheapest page through the app: a template
   and a CSRF token, no database), GET by as many users as browse, with their think time;
2. the mixed load, for --seconds once everyone has signed in: 50 browsers (dashboard,
   register, ledger pages of 200 lines, decisions, learning, pool report; 1 to 3 s
   between pages), 5 finance leads each uploading a new 20,000-line CSV ledger through
   the web forms (upload, preview, submit, the new version's page) again and again, 2 s
   apart, with a fresh file each time, and 20 board seats voting and changing their
   votes on the open decisions (2 to 5 s apart).

It prints throughput and p50/p95/p99 per class and overall, every page's figures, errors
with the first messages, uploads completed, votes cast, and the browsing p95 over the
bare page's p95 against the goal (5x). Figures, not pass/fail.

    .venv/bin/python bench/load.py [--seconds 60] [--bare-seconds 15] [--admin-url URL]
"""

import argparse
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import load_world  # bench/, beside this script
from sqlalchemy import create_engine, pool, text
from sqlalchemy.engine import make_url

HERE = Path(__file__).resolve().parent
ADMIN_ENV = "ALLIANCE_LOAD_ADMIN_URL"
DEFAULT_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
#: Seconds one upload cycle (upload, preview, submit, version page, pause) takes at least:
#: each provider gets enough files for the run at that pace, and a couple over.
UPLOAD_CYCLE = 6


class Database:
    """A database of our own on the server, created now and dropped by close()."""

    def __init__(self, admin_url: str):
        self.admin = make_url(admin_url)
        self.name = f"alliance_load_{uuid.uuid4().hex[:8]}"
        self.url = self.admin.set(database=self.name).render_as_string(hide_password=False)
        self._admin(f'CREATE DATABASE "{self.name}"')

    def _admin(self, sql: str) -> None:
        engine = create_engine(self.admin, isolation_level="AUTOCOMMIT", poolclass=pool.NullPool)
        with engine.connect() as conn:
            conn.execute(text(sql))
        engine.dispose()

    def close(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


#: What each request was, by method and path, to total the workers' time per page.
PAGES = [
    (r"GET /sign-in", "sign-in form (the bare page)"),
    (r"POST /sign-in", "sign-in (argon2id)"),
    (r"GET /alliances/\w+/", "dashboard"),
    (r"GET /alliances/\w+/members", "register"),
    (r"GET /alliances/\w+/ledgers/", "ledgers"),
    (r"GET /alliances/\w+/ledgers/[\w-]+/versions", "ledger versions"),
    (r"GET /alliances/\w+/ledgers/[\w-]+/versions/1", "ledger v1, 200 lines"),
    (r"GET /alliances/\w+/ledgers/[\w-]+/versions/\d+", "new version's page (diff)"),
    (r"GET /alliances/\w+/ledgers/upload", "upload form"),
    (r"POST /alliances/\w+/ledgers/upload", "upload: send the file"),
    (r"GET /alliances/\w+/ledgers/uploads/\w+", "upload: preview"),
    (r"POST /alliances/\w+/ledgers/uploads/\w+/submit", "upload: submit"),
    (r"GET /alliances/\w+/decisions", "decisions"),
    (r"GET /alliances/\w+/decisions/[\w-]+", "a decision"),
    (r"POST /alliances/\w+/decisions/[\w-]+/votes", "vote"),
    (r"GET /alliances/\w+/learning/", "learning"),
    (r"GET /alliances/\w+/pool", "pool report"),
]


def worker_time(access_log: Path) -> None:
    """The server's own time per page (from gunicorn's access log: from the worker taking
    the request to its answer, so without the queue), and each page's share of all of it."""
    patterns = [(re.compile(f"{pattern}$"), label) for pattern, label in PAGES]
    times: dict[str, list[int]] = {}
    for row in access_log.read_text().splitlines():
        method, path, _status, micros = row.split()
        label = next((lb for rx, lb in patterns if rx.match(f"{method} {path}")), path)
        times.setdefault(label, []).append(int(micros))
    total = sum(sum(found) for found in times.values()) or 1
    print("\nWorkers' time per page (server side, without queueing; whole run):")
    for label, found in sorted(times.items(), key=lambda item: -sum(item[1])):
        found.sort()
        p50, p95 = found[len(found) // 2], found[len(found) * 95 // 100]
        print(
            f"  {label:32} {len(found):6,} req   p50 {p50 // 1000:6,} ms   p95 "
            f"{p95 // 1000:6,} ms   {sum(found) / 1e6:7.1f} worker-s "
            f"({100 * sum(found) // total:3}%)"
        )


def start_gunicorn(
    url: str, folder: str, port: int, workers: int, threads: int, log
) -> subprocess.Popen:
    env = os.environ | {
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "ALLIANCE_SECURE_COOKIES": "0",  # plain HTTP on loopback
        "ALLIANCE_INSTANCE_PATH": folder,
        "ALLIANCE_LEDGER_UPLOADS_PER_WINDOW": "1000000",
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--timeout", "60"]
    if threads > 1:  # gthread: a worker's threads take new requests while one waits
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    command += ["--max-requests", "1000", "--bind", f"127.0.0.1:{port}"]
    command += ["--access-logfile", str(Path(folder) / "access.log")]
    command += ["--access-logformat", "%(m)s %(U)s %(s)s %(D)s", "alliance:create_app()"]
    # A session of its own: Ctrl+C reaches this script, which stops gunicorn itself.
    server = subprocess.Popen(  # noqa: S603 (gunicorn from this venv, our own arguments)
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in", timeout=5) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def server_log_summary(path: Path) -> None:
    """What gunicorn and the app logged that matters: worker timeouts and unhandled errors."""
    lines = path.read_text(errors="replace").splitlines()
    timeouts = [x for x in lines if "WORKER TIMEOUT" in x]
    unhandled = [x for x in lines if "unhandled error" in x]
    tracebacks = sum("Traceback" in x for x in lines)
    print(
        f"\nServer log: {len(timeouts)} worker timeouts, {len(unhandled)} unhandled errors, "
        f"{tracebacks} tracebacks"
    )
    for found in (timeouts + unhandled)[:3]:
        print(f"  {found[:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="the mixed load (default 60)")
    parser.add_argument("--bare-seconds", type=int, default=15, help="the bare page alone")
    parser.add_argument(
        "--admin-url",
        default=os.environ.get(ADMIN_ENV, DEFAULT_ADMIN),
        help=f"a PostgreSQL URL to create the database from (${ADMIN_ENV}, default "
        f"{DEFAULT_ADMIN})",
    )
    parser.add_argument("--readers", type=int, default=50, help="browsing users (default 50)")
    parser.add_argument("--lines", type=int, default=20_000, help="lines of each ledger")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per worker: more than 1 runs gthread workers (default 1: sync)",
    )
    parser.add_argument(
        "--upload-pause",
        type=float,
        default=2,
        help="seconds each finance lead spends on the preview before submitting and "
        "between uploads (default 2: back to back)",
    )
    parser.add_argument(
        "--uploaders", type=int, default=5, help="finance leads uploading (0 to 5; default 5)"
    )
    args = parser.parse_args()
    # A plain `kill` ends the run as Ctrl+C does: through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    print("Load: browsing, uploading and voting at once, against the bare page")
    print(
        f"gunicorn --workers {args.workers}"
        + (f" --worker-class gthread --threads {args.threads}" if args.threads > 1 else "")
        + " --timeout 60 --max-requests 1000 on 127.0.0.1; "
        f"{os.cpu_count()} CPUs; PostgreSQL at {make_url(args.admin_url).host}"
    )
    print(f"Load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(
        "ALLIANCE_LEDGER_UPLOADS_PER_WINDOW is raised to 1,000,000 so the providers' uploads "
        "are not throttled (the default is 10 in 10 minutes)"
    )
    database = server = users = None
    with tempfile.TemporaryDirectory() as folder:
        log_path = Path(folder) / "gunicorn.log"
        try:
            database = Database(args.admin_url)
            began = time.perf_counter()
            password = secrets.token_urlsafe(18)
            plan = load_world.build(
                database.url, folder, readers=args.readers, lines=args.lines, password=password
            )
            files_each = args.seconds // UPLOAD_CYCLE + 2
            leads = list(plan.uploads)
            plan.uploads = load_world.write_uploads(Path(folder), leads, files_each, args.lines)
            print(
                f"(built the world and {len(leads) * files_each} upload files of "
                f"{args.lines:,} lines in {time.perf_counter() - began:.0f} s)"
            )
            port = free_port()
            with log_path.open("w") as log:
                server = start_gunicorn(database.url, folder, port, args.workers, args.threads, log)
                plan.host = f"http://127.0.0.1:{port}"
                plan_path = Path(folder) / "plan.json"
                plan_path.write_text(json.dumps(plan.as_dict() | {"period": load_world.PERIOD}))
                command = [sys.executable, str(HERE / "load_users.py"), str(plan_path)]
                command += ["--seconds", str(args.seconds)]
                command += ["--bare-seconds", str(args.bare_seconds)]
                command += ["--uploaders", str(args.uploaders)]
                command += ["--upload-pause", str(args.upload_pause)]
                users = subprocess.Popen(command)  # noqa: S603 (our script, our arguments)
                if users.wait(timeout=args.seconds + args.bare_seconds + 600):
                    print(f"Locust exited with {users.returncode}")
            stop(server)  # flushes the access log
            worker_time(Path(folder) / "access.log")
            server_log_summary(log_path)
            print(f"Load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        except subprocess.TimeoutExpired:
            print("Locust did not finish in time; stopped")
        except KeyboardInterrupt:
            print("\nInterrupted: stopping gunicorn and dropping the database")
            raise SystemExit(130) from None
        finally:
            stop(users)
            stop(server)
            if database is not None:
                database.close()


if __name__ == "__main__":
    main()
