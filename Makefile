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

.PHONY: install demo run test lint test-sqlite test-postgres bench bench-invoice bench-coverage bench-load bench-cards bench-first-answer bench-reconcile screenshots system-packages clean

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

# The demo database in this folder. lindung.toml (a generated development key) lets every `lindung` command
# typed in this folder find the key, as the README's examples do; it is written once and never overwritten.
demo: install
	@test -f lindung.toml || { $(BIN)/python -m lindung.config > lindung.toml.new && mv lindung.toml.new lindung.toml && \
	  echo "lindung.toml ditulis: kunci pengembangan untuk perintah lindung di folder ini"; }
	$(BIN)/lindung init $(if $(wildcard $(HISTORY)),--history $(HISTORY))
	$(foreach f,$(BOUNDARIES),$(BIN)/lindung regions boundaries $(f) &&) true
	$(BIN)/lindung demo

run: export LINDUNG_DEBUG ?= 1
run: demo
	$(BIN)/lindung serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports
	$(BIN)/lindung makemigrations --check --dry-run  # models and migrations agree

TIMES := .test-times

test-sqlite: install system-packages
	@scripts/timed.sh "SQLite" $(TIMES) $(BIN)/pytest

test-postgres: install system-packages
	@scripts/timed.sh "PostgreSQL" $(TIMES) scripts/with-postgres.sh $(BIN)/pytest

# Both halves, then their times side by side (the PostgreSQL half should not take a quarter longer).
test: lint
	@rm -f $(TIMES)
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-postgres
	@echo "Waktu uji: $$(paste -sd ';' $(TIMES) | sed 's/;/; /g')"

bench: install system-packages
	scripts/with-postgres.sh $(BIN)/python bench/roster_import.py $(BENCH_ARGS)

bench-load: install system-packages
	scripts/with-postgres.sh $(BIN)/python bench/load.py $(BENCH_ARGS)

bench-cards: install
	$(BIN)/python bench/cards.py $(BENCH_ARGS)

bench-first-answer: install
	$(BIN)/python bench/first_answer.py $(BENCH_ARGS)

# Reconciliation at national scale (2.4M roster rows vs 41M participants; BENCH_ARGS="--scale 0.1" for a tenth).
bench-reconcile: install
	$(BIN)/python bench/reconcile.py $(BENCH_ARGS)

# Refresh the README's screenshots (docs/screenshots/) from the browser tests.
screenshots: install system-packages
	LINDUNG_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/e2e

clean:
	rm -rf $(VENV) lindung.sqlite3* lindung.toml lindung-data $(TIMES)

bench-invoice: install system-packages
	scripts/with-postgres.sh $(BIN)/python bench/invoice.py $(BENCH_ARGS)

bench-coverage: install system-packages
	scripts/with-postgres.sh $(BIN)/python bench/coverage.py $(BENCH_ARGS)
