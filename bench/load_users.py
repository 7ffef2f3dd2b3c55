"""The Locust side of bench/load.py (run by it, in a process of its own: Locust patches the
standard library with gevent on import). Reads the plan bench/load.py wrote, runs the
bare page alone and then the mixed load, headless, as a library, and prints the figures.

    .venv/bin/python bench/load_users.py PLAN.json --seconds 60 --bare-seconds 15
"""

import argparse
import html
import itertools
import json
import random
import re
import time
from collections import Counter

import gevent
from gevent.event import Event
from locust import HttpUser, between, task
from locust.env import Environment
from locust.stats import StatsEntry

GOAL_RATIO = 5
#: Think time of every browsing person (and of the bare page's, for a like comparison).
BROWSING_WAIT = (1, 3)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PROBLEM = re.compile(r'class="govuk-(?:error-summary__list|error-message)[^"]*"[^>]*>(.*?)</', re.S)
SIGN_IN = "sign-in:"
PLAN: dict = {}
#: Members wait for it after signing in, so the measured window starts with all signed in.
GO = Event()
SIGNED_IN = Counter()
DONE = Counter()


def token_in(response) -> str:
    found = CSRF.search(response.text)
    return found.group(1) if found else ""


def problem_in(response) -> str:
    """What went wrong, as the page says it (its error summary), else the status."""
    found = PROBLEM.search(response.text or "")
    text = re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip() if found else ""
    return html.unescape(text)[:160] or f"HTTP {response.status_code}"


class Member(HttpUser):
    """Someone who signs in through the real form (CSRF token and all) before anything."""

    abstract = True
    people: itertools.cycle

    def on_start(self) -> None:
        self.email = next(type(self).people)
        self.base = f"/alliances/{PLAN['slug']}"
        form = self.page("/sign-in", f"{SIGN_IN} form")
        data = {"csrf_token": token_in(form), "email": self.email, "password": PLAN["password"]}
        self.post("/sign-in", f"{SIGN_IN} submit", data=data, expect="/", exact=True)
        SIGNED_IN[type(self).__name__] += 1
        GO.wait()
        # People do not all click at the same instant: start within one think time.
        gevent.sleep(random.uniform(0, BROWSING_WAIT[1]))

    def page(self, path: str, name: str):
        """GET a page that must answer 200 (a redirect means the session is gone)."""
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{name}: {problem_in(response)}")
            return response

    def post(self, path: str, name: str, *, expect: str, exact: bool = False, **kwargs):
        """POST a form that must redirect to `expect` (or an address starting with it);
        the address it redirects to, or None."""
        with self.client.post(
            path, name=name, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            where = response.headers.get("Location", "")
            target = where.split("//", 1)[-1].partition("/")[2] if "//" in where else where
            target = "/" + target.lstrip("/")
            arrived = target == expect if exact else target.startswith(expect)
            if response.status_code != 302 or not arrived:
                response.failure(f"{name}: {problem_in(response)} (to {target or '-'})")
                return None
            return target


class Browser(Member):
    """A member reading: dashboard, register, ledgers a page at a time, decisions, pool."""

    wait_time = between(*BROWSING_WAIT)

    @task(3)
    def dashboard(self):
        self.page(f"{self.base}/", "browse: dashboard")

    @task(2)
    def register(self):
        self.page(f"{self.base}/members", "browse: register")

    @task(2)
    def ledgers(self):
        self.page(f"{self.base}/ledgers/", "browse: ledgers")

    @task(1)
    def versions(self):
        org, _ = random.choice(PLAN["ledgers"])
        self.page(f"{self.base}/ledgers/{org}/versions", "browse: ledger versions")

    @task(3)
    def ledger_page(self):
        org, pages = random.choice(PLAN["ledgers"])
        path = f"{self.base}/ledgers/{org}/versions/1?page={random.randint(1, pages)}"
        self.page(path, "browse: ledger, 200 lines")

    @task(2)
    def decisions(self):
        self.page(f"{self.base}/decisions", "browse: decisions")

    @task(2)
    def decision(self):
        reference = random.choice(PLAN["decisions"])
        self.page(f"{self.base}/decisions/{reference}", "browse: a decision")

    @task(1)
    def learning(self):
        self.page(f"{self.base}/learning/", "browse: learning")

    @task(2)
    def pool(self):
        self.page(f"{self.base}/pool", "browse: pool report")


class Provider(Member):
    """A finance lead sending a new version of their ledger, as the web forms do it:
    choose the file, see the preview, submit, land on the new version. Repeatedly, with a
    new file each time, until their files run out."""

    #: Seconds on the preview before submitting, and between uploads (--upload-pause).
    pause = 2.0

    def wait_time(self):
        return self.pause

    def on_start(self) -> None:
        super().on_start()
        self.files = iter(PLAN["uploads"][self.email])

    @task
    def upload(self):
        path = next(self.files, None)
        if path is None:
            self.page(f"{self.base}/ledgers/", "upload: ledgers (files used up)")
            return
        with open(path, "rb") as source:
            content = source.read()
        form = self.page(f"{self.base}/ledgers/upload", "upload: form")
        fields = {"csrf_token": token_in(form), "period": PLAN["period"], "scale": "1"}
        staged = self.post(
            f"{self.base}/ledgers/upload",
            "upload: send the file",
            expect=f"{self.base}/ledgers/uploads/",
            data=fields | {"sheet": "", "header_row": ""},
            files={"file": (path.rsplit("/", 1)[-1], content, "text/csv")},
        )
        if staged is None:
            return
        preview = self.page(staged, "upload: preview")
        gevent.sleep(self.pause)  # reading the preview
        version = self.post(
            f"{staged}/submit",
            "upload: submit",
            expect=f"{self.base}/ledgers/",
            data={"csrf_token": token_in(preview)},
        )
        if version is not None:
            DONE["uploads"] += 1
            self.page(version, "upload: the new version's page")


class Seat(Member):
    """A board representative voting on an open decision, and changing their vote."""

    wait_time = between(2, 5)
    REASON = "Not yet safe for people using services: no lone-working policy."

    @task
    def vote(self):
        reference = random.choice(PLAN["decisions"])
        shown = self.page(f"{self.base}/decisions/{reference}", "vote: decision page")
        position = random.choice(("agree", "agree", "abstain", "disagree", "block"))
        data = {"csrf_token": token_in(shown), "position": position}
        if position in ("disagree", "block"):
            data |= {"reason": self.REASON, "citations": ["b"]}
        where = f"{self.base}/decisions/{reference}"
        back = self.post(f"{where}/votes", "vote: cast", expect=where, data=data)
        if back is not None:
            DONE["votes"] += 1
            self.page(back, "vote: decision page")


class Bare(HttpUser):
    """The ceiling: the cheapest page that goes through the app, the sign-in form
    (a template and a CSRF token; no database), with the browsers' think time."""

    wait_time = between(*BROWSING_WAIT)

    @task
    def sign_in_page(self):
        self.client.get("/sign-in", name="bare: sign-in page")


# --- running and reporting -------------------------------------------------------------


def run(classes: dict, seconds: int, *, warm_up: int = 0, sign_in_timeout: int = 180) -> dict:
    """Start the users, wait until every member has signed in (and `warm_up` seconds
    more), then measure `seconds`."""
    classes = {cls: count for cls, count in classes.items() if count}
    for cls, count in classes.items():
        cls.fixed_count = count
    env = Environment(user_classes=list(classes), host=PLAN["host"])
    runner = env.create_local_runner()
    members = sum(n for cls, n in classes.items() if issubclass(cls, Member))
    GO.clear()
    SIGNED_IN.clear()
    runner.start(sum(classes.values()), spawn_rate=sum(classes.values()))
    began = time.perf_counter()
    while sum(SIGNED_IN.values()) < members and time.perf_counter() - began < sign_in_timeout:
        gevent.sleep(0.2)
    signed_in = merged(entries(env), f"{SIGN_IN} submit")
    warm = {"sign_in": figures(signed_in), "errors": errors(env)}
    warm |= {"signed_in": sum(SIGNED_IN.values()), "seconds": time.perf_counter() - began}
    gevent.sleep(warm_up)
    env.stats.reset_all()
    DONE.clear()
    began = time.perf_counter()
    GO.set()
    gevent.sleep(seconds)
    elapsed = time.perf_counter() - began
    found = {"stats": entries(env), "errors": errors(env), "done": dict(DONE)}
    runner.quit()
    return found | {"elapsed": elapsed, "warm": warm}


def entries(env) -> dict[str, StatsEntry]:
    return {name: entry for (name, _), entry in env.stats.entries.items()}


def errors(env) -> list[tuple[int, str]]:
    found = [(e.occurrences, f"{e.name}: {e.error}") for e in env.stats.errors.values()]
    return sorted(found, reverse=True)


def figures(entry: StatsEntry | None) -> dict | None:
    """Counts and percentiles, kept (stats entries are reset in place)."""
    if entry is None or entry.num_requests == 0:
        return None
    p50, p95, p99 = (entry.get_response_time_percentile(p) for p in (0.5, 0.95, 0.99))
    return {"requests": entry.num_requests, "failures": entry.num_failures} | {
        "p50": p50,
        "p95": p95,
        "p99": p99,
    }


def merged(stats: dict[str, StatsEntry], prefix: str) -> StatsEntry | None:
    chosen = [entry for name, entry in stats.items() if name.startswith(prefix)]
    if not chosen:
        return None
    total = StatsEntry(chosen[0].stats, prefix, "")
    for entry in chosen:
        total.extend(entry)
    return total


def line(label: str, entry: StatsEntry | None, seconds: float) -> str:
    if entry is None or entry.num_requests == 0:
        return f"  {label:<32} no requests"
    rate = entry.num_requests / seconds
    p50, p95, p99 = (entry.get_response_time_percentile(p) for p in (0.5, 0.95, 0.99))
    return (
        f"  {label:<32} {entry.num_requests:6,} req {rate:6.1f}/s   p50 {p50:6,} ms   "
        f"p95 {p95:6,} ms   p99 {p99:6,} ms   errors {entry.num_failures:,}"
    )


def report(bare: dict, mixed: dict) -> None:
    stats, seconds = mixed["stats"], mixed["elapsed"]
    bare_entry = merged(bare["stats"], "bare:")
    print(f"\nBare page alone ({len(PLAN['readers'])} users, {bare['elapsed']:.0f} s):")
    print(line("GET /sign-in", bare_entry, bare["elapsed"]))
    print(f"\nMixed load ({seconds:.0f} s measured, after every member signed in):")
    for label, prefix in (("browsers", "browse:"), ("providers (upload)", "upload:")):
        print(line(label, merged(stats, prefix), seconds))
    print(line("seats (vote)", merged(stats, "vote:"), seconds))
    everything = merged({n: e for n, e in stats.items() if not n.startswith(SIGN_IN)}, "")
    print(line("overall (sign-ins apart)", everything, seconds))
    warm, signed = mixed["warm"], mixed["warm"]["sign_in"]
    if signed is not None:
        print(
            f"  (before it: {warm['signed_in']} sign-ins through the form in "
            f"{warm['seconds']:.0f} s, argon2id at the site's cost: p50 {signed['p50']:,} ms, "
            f"p95 {signed['p95']:,} ms, errors {signed['failures']:,})"
        )
    print("\nPages, slowest p95 first:")
    shown = [(name, entry) for name, entry in stats.items() if entry.num_requests]
    for name, entry in sorted(shown, key=lambda item: -item[1].get_response_time_percentile(0.95)):
        print(line(name, entry, seconds))
    done = mixed["done"]
    print(f"\nUploads completed: {done.get('uploads', 0)} (20,000-line files, preview and submit)")
    print(f"Votes cast:        {done.get('votes', 0)}")
    failures = bare["errors"] + warm["errors"] + mixed["errors"]
    print(f"Errors:            {sum(n for n, _ in failures):,}")
    for count, message in failures[:5]:
        print(f"  {count:5,} × {message[:200]}")
    browse = merged(stats, "browse:")
    if browse and bare_entry and bare_entry.num_requests:
        ratio = browse.get_response_time_percentile(0.95) / max(
            1, bare_entry.get_response_time_percentile(0.95)
        )
        verdict = "within" if ratio <= GOAL_RATIO else "OVER"
        print(
            f"\nBrowsing p95 ÷ bare p95: {ratio:.1f}× ({verdict} the goal of {GOAL_RATIO}×; "
            f"bare p95 {bare_entry.get_response_time_percentile(0.95)} ms)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--bare-seconds", type=int, default=15)
    parser.add_argument("--uploaders", type=int, default=5, help="finance leads uploading")
    parser.add_argument("--upload-pause", type=float, default=2.0)
    args = parser.parse_args()
    with open(args.plan) as source:
        PLAN.update(json.load(source))
    random.seed(20261123)
    Browser.people = itertools.cycle(PLAN["readers"])
    Provider.people = itertools.cycle(PLAN["uploads"])
    Seat.people = itertools.cycle(PLAN["seats"])
    Provider.pause = args.upload_pause
    # The workers start cold (imports, templates, connections): warm them up first.
    bare = run({Bare: len(PLAN["readers"])}, args.bare_seconds, warm_up=5)
    mixed = run(
        {
            Browser: len(PLAN["readers"]),
            Provider: min(args.uploaders, len(PLAN["uploads"])),
            Seat: len(PLAN["seats"]),
        },
        args.seconds,
    )
    report(bare, mixed)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:  # Ctrl+C reaches this process too; bench/load.py reports it
        raise SystemExit(130) from None
