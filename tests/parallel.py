"""How `make test` shares the suite among pytest-xdist workers (`-n N --dist loadfile`).

tests/conftest.py hands pytest-xdist this scheduler for `--dist loadfile`. It is loadfile
(each test file runs whole on one worker, so a module's shared world or servers are set up
once) with two changes:

- tests/servers runs as one unit, one test after another on one worker. Each of its tests
  boots gunicorns and times them (kills midway through a request, 5-second answers during
  a database outage): two side by side would compete for the CPUs and time each other out.
  (pytest-xdist's own `xdist_group` mark does this under `--dist loadgroup`, but it groups
  nothing with pytest 9.2: pytest-dev/pytest-xdist#1386.)
- the longest units start first, so that no worker is left with a long one at the end
  while the others stop (loadfile itself starts the units with the most tests first).
"""

from collections import OrderedDict

from xdist.scheduler import LoadFileScheduling

#: Folders whose tests run as one unit.
GROUPS = ("tests/servers/",)
#: Roughly how many seconds a test takes, by folder (1 elsewhere); only the order of the
#: units depends on it.
SECONDS_PER_TEST = {"tests/servers/": 12, "tests/browser/": 12}


def folder_of(nodeid: str, folders) -> str | None:
    return next((folder for folder in folders if nodeid.startswith(folder)), None)


class SuiteScheduling(LoadFileScheduling):
    def __init__(self, config, log=None):
        super().__init__(config, log)
        self.longest_first = False

    def _split_scope(self, nodeid: str) -> str:
        return folder_of(nodeid, GROUPS) or super()._split_scope(nodeid)

    def _assign_work_unit(self, node) -> None:
        if not self.longest_first:  # the first assignment: the work queue is complete
            self.workqueue = OrderedDict(
                sorted(self.workqueue.items(), key=lambda unit: -self.estimate(unit[1]))
            )
            self.longest_first = True
        super()._assign_work_unit(node)

    @staticmethod
    def estimate(tests: dict[str, bool]) -> float:
        return sum(SECONDS_PER_TEST.get(folder_of(t, SECONDS_PER_TEST), 1) for t in tests)
