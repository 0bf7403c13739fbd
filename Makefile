# Everything runs from .venv, which `make install` creates with only a system Python.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install messages demo test lint format wrk bench bench-floor bench-compare-servers bench-faults bench-updates clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The translations' .mo files are generated (with Babel: no GNU gettext needed), never committed.
install: $(STAMP)
	$(BIN)/python -m groundswell.core.message_catalogues

# After adding or changing a user-facing string: updates the .po files (needs GNU gettext's
# xgettext and msgmerge), then translate every new entry. tests/core/test_translations.py fails
# until both are done.
messages: install
	cd groundswell && DEBUG=1 DATABASE_URL=sqlite://:memory: ../$(BIN)/groundswell makemessages \
		--all --no-obsolete --no-location

demo: install
	$(BIN)/groundswell demo --port $(or $(PORT),8000)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 DATABASE_URL=sqlite://:memory: $(BIN)/groundswell makemigrations --check --dry-run
	$(BIN)/lint-imports
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Every throughput figure of the benchmarks comes from Debian's wrk: installed when missing (as
# root, as on CI and the development machines), else the command to run is printed.
wrk:
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] \
		&& { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }; } \
		|| { echo "wrk is needed: apt-get install wrk"; exit 1; }

bench: install wrk
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The least any Python signing path could do here (bench/bare_signing.py), beside Groundswell's.
bench-floor: install wrk
	$(BIN)/python bench/floor.py $(BENCH_ARGS)

# granian, gunicorn and uvicorn with the same application (docs/deployment.md, "Why granian").
bench-compare-servers: install wrk
	$(BIN)/python bench/compare_servers.py $(BENCH_ARGS)

# Restarts the machine's PostgreSQL and Redis: run it on a development or CI machine only.
bench-faults: install wrk
	$(BIN)/python bench/faults.py $(BENCH_ARGS)

# An update to 100,000 signers through an SMTP sink on loopback and a real worker (PostgreSQL and
# Redis: BENCH_PG_URL, BENCH_REDIS_URL); BENCH_ARGS="--recipients 2000 --restart" for a quick one.
bench-updates: install
	$(BIN)/python bench/bench_updates.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
