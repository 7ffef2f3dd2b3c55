# Two commands: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
# Test processes (pytest-xdist): one per CPU, at most TEST_MAX_PROCESSES.
TEST_MAX_PROCESSES ?= 4
AXE    := tests/browser/axe/node_modules/axe-core/axe.min.js

.PHONY: run test lint format bench audit assets clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

## make run: install, migrate the SQLite database under instance/, load the demo, serve.
run: $(VENV)/.installed
	$(BIN)/alliance db upgrade
	$(BIN)/alliance demo
	PORT=$(PORT) $(BIN)/alliance serve

## make test: install dev tools, lint, then the whole suite (SQLite, and PostgreSQL
## when ALLIANCE_TEST_DATABASE_URL is set) on several processes (tests/parallel.py).
test: $(VENV)/.installed-dev $(AXE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n auto --maxprocesses $(TEST_MAX_PROCESSES) --dist loadfile

## axe-core for the accessibility tests, from the npm registry (pinned in
## tests/browser/axe/package-lock.json). Without npm those tests skip and say why.
$(AXE): tests/browser/axe/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix tests/browser/axe --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the accessibility tests will skip (install Node.js and npm)"; fi

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make bench: the benchmarks in bench/ (figures, not pass/fail).
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/audit_chain.py
	$(BIN)/python bench/ledger_import.py
	$(BIN)/python bench/report.py

## make audit: the installed packages against published advisories (pip-audit); exit 1
## on a known vulnerability, and says NOT AUDITED where the advisory data is unreachable.
audit: $(VENV)/.installed-dev
	$(BIN)/python .ci/audit_dependencies.py

## make assets: rebuild static/ from assets/ (needs npm).
assets:
	bash assets/build.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
