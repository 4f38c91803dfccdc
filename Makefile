# Two commands on a fresh clone: `make demo` and `make test`. Each builds .venv by itself.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit bench clean test-integration ml-backend

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The examples that run real models (examples/model_*.py) need the `models` extra.
MODELS_STAMP := $(VENV)/.installed-models

$(MODELS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,models]'
	touch $(MODELS_STAMP)

demo: $(STAMP) $(MODELS_STAMP)
	$(BIN)/python examples/run_all.py --out build/demo
	$(BIN)/python examples/_preview_pages.py --demo build/demo

lint: $(STAMP)
	$(BIN)/ruff check src tests examples benchmarks
	$(BIN)/ruff format --check src tests examples benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy --strict src

unit: $(STAMP) $(MODELS_STAMP)
	mkdir -p build
	$(BIN)/python -m pytest -q -n auto 2>&1 | tee build/test-report.txt; exit $${PIPESTATUS[0]}

test: lint typecheck unit

# The conformance suite against a real Label Studio (docs/integration.md). Label Studio gets
# its own virtualenv, so its pins never decide ours; installed once (about 1 GB, 1-2 min).
LS_VENV := .venv-ls
LS_VERSION := 1.23.2
LS_STAMP := $(LS_VENV)/.installed-$(LS_VERSION)

$(LS_STAMP):
	test -x $(LS_VENV)/bin/python || $(PYTHON) -m venv $(LS_VENV)
	$(LS_VENV)/bin/python -m pip install --quiet label-studio==$(LS_VERSION)
	touch $(LS_STAMP)

# The ML backend (examples/ml_backend.py, docs/ml-backend.md) runs on the real label-studio-ml
# from PyPI, in its own virtualenv so that its pins (Flask 1.1.2, ...) never decide ours.
# 1.0.9 is its newest release; it imports rq and redis without declaring them, so they are
# pinned beside it. prelabel goes in editable, with its own dependencies.
ML_VENV := .venv-mlb
LABEL_STUDIO_ML := label-studio-ml==1.0.9 rq==1.15.1 redis==5.0.8
ML_STAMP := $(ML_VENV)/.installed-1.0.9
ML_PORT ?= 9090

$(ML_STAMP): pyproject.toml
	test -x $(ML_VENV)/bin/python || $(PYTHON) -m venv $(ML_VENV)
	$(ML_VENV)/bin/python -m pip install --quiet $(LABEL_STUDIO_ML) -e .
	touch $(ML_STAMP)

# One command: the backend on http://127.0.0.1:$(ML_PORT), until Ctrl-C.
ml-backend: $(ML_STAMP)
	$(ML_VENV)/bin/python examples/ml_backend.py serve --host 127.0.0.1 --port $(ML_PORT)

# The editor check (integration/test_editor.py) drives Debian's Chromium with Python playwright;
# playwright's own browser download does not work offline, so it is never run. Both are
# installed here only: `make test` needs neither.
CHROMIUM := /usr/bin/chromium
PLAYWRIGHT := playwright==1.65.2

# The scale test (integration/test_scale.py) runs a local Ray cluster writing shards to an
# S3-compatible server (moto): installed here only (Ray is large: about 1-2 min with a warm cache).
SCALE_STAMP := $(VENV)/.installed-scale

$(SCALE_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[scale-integration]'
	touch $(SCALE_STAMP)

test-integration: $(STAMP)
	@mkdir -p build/integration; started=$$(date +%s); \
	{ test -x $(CHROMIUM) || { echo "installing Debian's chromium"; \
	    sudo=$$(test "$$(id -u)" -eq 0 || echo sudo); \
	    $$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq chromium > build/integration/apt-chromium.log; }; } \
	&& { $(BIN)/python -c "import playwright" 2>/dev/null \
	     || $(BIN)/python -m pip install --quiet '$(PLAYWRIGHT)'; } \
	&& $(MAKE) --no-print-directory $(LS_STAMP) $(ML_STAMP) $(SCALE_STAMP) demo \
	&& $(BIN)/ruff check integration && $(BIN)/ruff format --check integration \
	&& { $(BIN)/python -m pytest integration -q -p no:cacheprovider 2>&1 \
	     | tee build/integration/report.txt; test $${PIPESTATUS[0]} -eq 0; }; \
	status=$$?; \
	echo "test-integration: $$(( $$(date +%s) - started )) s in all (install, demo, server, tests)"; \
	exit $$status

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/run_all.py --repeat 3 --out build/bench/table.md

clean:
	rm -rf build .venv .venv-ls .venv-mlb .mypy_cache .pytest_cache .ruff_cache
