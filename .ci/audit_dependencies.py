"""Check the installed packages against published advisories with pip-audit.

Exit 1 when any package has a known vulnerability (naming it, its advisory and the fixed
versions). Packages pip-audit could not look up are counted and named, never reported as
clean: when none could be looked up (a network that does not reach PyPI's per-release
JSON API, as on some CI machines) the run says NOT AUDITED in so many words.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

VENV_BIN = Path(sys.executable).parent


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "audit.json"
        done = subprocess.run(  # noqa: S603 (our own tool, fixed arguments)
            [
                str(VENV_BIN / "pip-audit"),
                "--progress-spinner=off",
                "--skip-editable",
                "--format=json",
                f"--output={report}",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if not report.exists():
            print(f"pip-audit did not run: {done.stderr.strip()}")
            return 1
        data = json.loads(report.read_text())
    dependencies = data.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release yet"
            print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
    print(
        f"pip-audit: {len(dependencies)} packages, {audited} audited, "
        f"{len(vulnerable)} with known vulnerabilities, {len(skipped)} not audited"
    )
    if skipped:
        names = ", ".join(sorted(d["name"] for d in skipped)[:10])
        more = "…" if len(skipped) > 10 else ""
        print(f"not audited: {names}{more} ({skipped[0]['skip_reason']})")
    if dependencies and not audited:
        print(
            "NOT AUDITED: this machine cannot reach the advisory data pip-audit reads "
            "(https://pypi.org/pypi/<name>/<version>/json). Run `make audit` where it can."
        )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
