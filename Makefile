# condis-edu: one entry point for building, serving and testing.
#   make serve   build the wheel and the site, serve it on http://127.0.0.1:8000 (COOP/COEP on)
#   make test    install what is needed and run every test tier (lint, CPython, Pyodide, browser)
# `make help` lists the rest. Every step installs its own pinned tools; nothing global is assumed
# beyond Python 3.13, Node 20+ and (for the browser tier) Debian's chromium.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.13
VENV := .venv
PBVENV := .venv-pyodide
BIN := $(VENV)/bin
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

WHEEL := dist/condis_edu-0.1.0-py3-none-any.whl
SRC := $(shell find src -name '*.py' -o -name 'py.typed') pyproject.toml README.md
TEST_WHEELS := build/pyodide-test-wheels/.downloaded

.PHONY: help serve serve-plain site wheel js test lint test-cpython test-pyodide test-browser \
        bench bench-pyodide bench-site deps clean lock chromium

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# ---------------------------------------------------------------- set-up (pinned, idempotent)
$(VENV)/.installed: requirements/dev.lock requirements/bootstrap.txt
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.13 (pyenv install 3.13, or your distribution's python3.13)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -r requirements/bootstrap.txt
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements/dev.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $@

$(PBVENV)/.installed: requirements/pyodide-build.lock $(VENV)/.installed
	$(PYTHON) -m venv $(PBVENV)
	$(BIN)/uv pip install -q --python $(PBVENV)/bin/python -r requirements/pyodide-build.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v node >/dev/null || { echo "error: node not found; install Node.js 20 or newer" >&2; exit 1; }
	@node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' || { echo "error: Node.js 20+ required (found $$(node --version))" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(TEST_WHEELS): requirements/pyodide-test-wheels.lock $(VENV)/.installed
	rm -rf build/pyodide-test-wheels
	$(BIN)/python -m pip download -q --no-deps --only-binary=:all: --python-version 3.13 --platform any \
	  -r requirements/pyodide-test-wheels.lock -d build/pyodide-test-wheels
	touch $@

deps: $(VENV)/.installed $(PBVENV)/.installed node_modules/.installed ## install the pinned Python and npm tools

lock: $(VENV)/.installed ## re-pin requirements/*.lock from requirements/*.in
	for f in dev pyodide-build; do $(BIN)/uv pip compile -q --python-version 3.13 requirements/$$f.in -o requirements/$$f.lock; done
	$(BIN)/uv pip compile -q --python-version 3.13 --python-platform linux requirements/pyodide-test-wheels.in -o requirements/pyodide-test-wheels.lock

# ---------------------------------------------------------------- build
$(WHEEL): $(SRC) $(PBVENV)/.installed
	rm -rf dist && $(PBVENV)/bin/python -m build -q --wheel --no-isolation -o dist . >/dev/null
	@ls dist/*.whl

wheel: $(WHEEL) ## build the condis_edu wheel (pure Python)

js: node_modules/.installed ## bundle the live-cell runner (web/ -> docs/js/)
	node tools/build_js.mjs

site: deps $(WHEEL) js ## build the whole site into site/ (notebooks executed, Pyodide staged)
	rm -rf site
	$(BIN)/mkdocs build --strict
	$(PBVENV)/bin/python tools/stage_site.py --site site --dist dist

serve: site ## build, then serve on http://127.0.0.1:$(PORT) with COOP/COEP headers
	$(BIN)/python tools/serve.py --port $(PORT)

serve-plain: site ## same, without COOP/COEP (like plain static hosting)
	$(BIN)/python tools/serve.py --port $(PORT) --plain

# ---------------------------------------------------------------- tests
TIERS := lint test-cpython test-pyodide test-browser
test: ## every tier: lint, CPython, Pyodide (Node), browser (Chromium); all run, failures listed at the end
	@failed=""; start=$$(date +%s); \
	for tier in $(TIERS); do $(MAKE) --no-print-directory $$tier || failed="$$failed $$tier"; done; \
	echo "make test: $$(( $$(date +%s) - start )) s"; \
	if [ -n "$$failed" ]; then echo "make test: FAILED:$$failed" >&2; exit 1; fi; \
	echo "make test: all tiers passed"

lint: $(VENV)/.installed ## ruff + mypy (strict)
	$(BIN)/ruff check src tests examples tools
	$(BIN)/mypy

test-cpython: $(VENV)/.installed ## tier 1: unit tests, doctests, examples, every notebook in CPython
	@echo "== tier: CPython"
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/engine src/condis_edu tests/docs tools/mkdocs_hooks.py

NB_REF := build/notebook-outputs/.done
$(NB_REF): $(wildcard docs/notebooks/*.py) $(SRC) $(VENV)/.installed
	rm -rf build/notebook-outputs
	$(BIN)/python tests/docs/kernel_run.py build/notebook-outputs
	touch $@

test-pyodide: $(WHEEL) $(TEST_WHEELS) $(NB_REF) node_modules/.installed ## tier 2: engine tests + notebooks inside Pyodide under Node
	@echo "== tier: Pyodide (Node)"
	node tests/pyodide/run.mjs --wheel $(WHEEL) --wheels build/pyodide-test-wheels

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium (browser tier)"; \
	    bash tools/install_chromium.sh; \
	  else \
	    echo "error: the browser tier needs Chromium at $(CHROMIUM). On Debian: sudo apt-get install chromium (or set CHROMIUM=/path/to/chromium)" >&2; exit 1; \
	  fi; \
	fi

test-browser: site chromium ## tier 3: Playwright + Debian chromium against the built site
	@echo "== tier: browser (Chromium)"
	CONDIS_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -q -p no:cacheprovider tests/browser

bench: $(VENV)/.installed ## the send-path benchmark (engine vs floor loop)
	$(BIN)/python -m condis_edu.bench

bench-pyodide: $(WHEEL) node_modules/.installed ## the send-path benchmark inside Pyodide under Node
	node tests/pyodide/bench.mjs --wheel $(WHEEL) -- $(BENCH_ARGS)

bench-site: site chromium ## page-load budgets measured in headless Chromium
	CONDIS_CHROMIUM=$(CHROMIUM) $(BIN)/python tools/bench_site.py

clean: ## remove build outputs (keeps the venvs and node_modules)
	rm -rf site dist build .cache docs/js/generated
