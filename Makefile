# lindung: two commands. `make run` serves the demo; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED := $(abspath ../shared)
HISTORY := $(SHARED)/data/regions/kode_wilayah_historis.csv
BOUNDARIES := $(wildcard $(SHARED)/data/regions/provinsi.geojson $(SHARED)/data/regions/kabkota.geojson)
HOST ?= 127.0.0.1
PORT ?= 8000

export LINDUNG_ALLOW_DEV_KEY = 1

.PHONY: install run test lint test-sqlite test-postgres bench bench-invoice bench-coverage bench-load bench-cards screenshots system-packages clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# The PDF reports embed Debian's DejaVu Sans: every target that installs lindung makes sure of the font.
install: $(STAMP)
	@scripts/ensure-system-packages.sh fonts

# Debian's packages for the test run: the DejaVu fonts, the PostgreSQL server binaries and Chromium for the
# browser tests; nothing else comes from apt.
system-packages:
	@scripts/ensure-system-packages.sh fonts postgresql chromium

run: export LINDUNG_DEBUG ?= 1
run: install
	$(BIN)/lindung init $(if $(wildcard $(HISTORY)),--history $(HISTORY))
	$(foreach f,$(BOUNDARIES),$(BIN)/lindung regions boundaries $(f) &&) true
	$(BIN)/lindung demo
	$(BIN)/lindung serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports
	$(BIN)/lindung makemigrations --check --dry-run  # models and migrations agree

test-sqlite: install system-packages
	$(BIN)/pytest

test-postgres: install system-packages
	scripts/with-postgres.sh $(BIN)/pytest

test: lint test-sqlite test-postgres

bench: install system-packages
	scripts/with-postgres.sh $(BIN)/python bench/roster_import.py $(BENCH_ARGS)

bench-load: install system-packages
	scripts/with-postgres.sh $(BIN)/python bench/load.py $(BENCH_ARGS)

bench-cards: install
	$(BIN)/python bench/cards.py $(BENCH_ARGS)

# Refresh the README's screenshots (docs/screenshots/) from the browser tests.
screenshots: install system-packages
	LINDUNG_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/e2e

clean:
	rm -rf $(VENV) lindung.sqlite3*

bench-invoice: install system-packages
	scripts/with-postgres.sh $(BIN)/python bench/invoice.py $(BENCH_ARGS)

bench-coverage: install system-packages
	scripts/with-postgres.sh $(BIN)/python bench/coverage.py $(BENCH_ARGS)
