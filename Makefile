# csto-briefing: `make report` builds the briefing; `make test` runs the tests. `make` alone lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml 2>/dev/null | cksum | cut -d' ' -f1)
LAB_STAMP := $(VENV)/.installed-lab
AS_OF ?=
SINCE ?=
PUBLISHED ?=
PARAMS ?=
EDITIONS ?= editions/editions.yaml
# The options reach the command through the environment, taken literally (never expanded by make, never parsed by
# the shell): `make report 'AS_OF=2022-01-07; touch x'` is a bad date, and PARAMS may hold spaces.
override AS_OF := $(value AS_OF)
override SINCE := $(value SINCE)
override PUBLISHED := $(value PUBLISHED)
override PARAMS := $(value PARAMS)
override EDITIONS := $(value EDITIONS)
export AS_OF SINCE PUBLISHED PARAMS EDITIONS

.DEFAULT_GOAL := help
.PHONY: help env report editions validate test test-fast preview lint bench lab clean lock check-system look check-look

help: ## list the targets
	@echo "csto-briefing: a reproducible briefing on the CSTO, Kazakhstan (2022) and Armenia's appeals"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 20
	@echo
	@echo "  options: AS_OF=YYYY-MM-DD SINCE=YYYY-MM-DD PUBLISHED=YYYY-MM-DD PARAMS=file.yaml (make report AS_OF=2022-01-07)"

check-system: ## check the system packages the build needs (Python 3.11+, Pango for the PDF)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "error: Python 3.11 or newer is needed ($(PYTHON) is $$($(PYTHON) --version 2>&1)); set PYTHON=python3.11" >&2; exit 1; }
	@$(PYTHON) -c 'import ctypes.util as u, sys; sys.exit(0 if u.find_library("pango-1.0") and u.find_library("pangoft2-1.0") else 1)' || \
	  { echo "error: Pango is missing (the PDF engine, WeasyPrint, needs it)." >&2; \
	    echo "       Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0" >&2; exit 1; }

check-look: ## check the system packages `make look` and the browser tests need (poppler-utils, chromium, chromium-driver)
	@missing=""; \
	  command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	  { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; } || missing="$$missing chromium"; \
	  command -v chromedriver >/dev/null 2>&1 || missing="$$missing chromium-driver"; \
	  if [ -n "$$missing" ]; then echo "error: missing system packages:$$missing" >&2; \
	    echo "       Debian/Ubuntu: sudo apt-get install$$missing" >&2; exit 1; fi

look: $(STAMP) check-look ## PNG pages of the PDF and Chromium screenshots of the HTML (1280, 390 px) into build/look/
	@test -f report/briefing.pdf || $(MAKE) --no-print-directory report
	@$(BIN)/python scripts/look.py report build/look

$(STAMP): requirements.lock pyproject.toml
	@$(MAKE) --no-print-directory check-system
	@echo "creating $(VENV) and installing the pinned dependencies (first run only, about a minute)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@$(BIN)/python -m ipykernel install --sys-prefix --name csto-briefing --display-name "Python (csto-briefing)" >/dev/null
	@rm -f $(VENV)/.installed-*[0-9] && touch $@

env: $(STAMP) ## create .venv with the pinned dependencies (done by the other targets when needed)

validate: $(STAMP) ## check every table in data/ against data/codebook.yaml
	@$(BIN)/csto-briefing validate

report: $(STAMP) ## build report/briefing.html, briefing.pdf, figures/ and the combined notebook
	@$(BIN)/csto-briefing build $${PARAMS:+--params "$$PARAMS"} $${AS_OF:+--as-of "$$AS_OF"} $${SINCE:+--since "$$SINCE"} $${PUBLISHED:+--published "$$PUBLISHED"}

editions: $(STAMP) ## build every edition in editions/editions.yaml into report/editions/, in parallel, with an index
	@$(BIN)/csto-briefing editions "$$EDITIONS"

test: $(STAMP) ## run every test (CI; two workers; they build the briefing in temporary folders, sharing builds)
	@$(BIN)/python -m pytest -n 2 --dist loadgroup

test-fast: $(STAMP) ## run the tests that start no kernel (under 30 s)
	@$(BIN)/python -m pytest -q -m "not kernel" -n 2 -p no:cacheprovider

preview: $(STAMP) ## build, serve report/briefing.html on http://127.0.0.1:PORT (free port unless PORT=) and rebuild on save
	@$(BIN)/python -m csto_briefing.pipeline.preview $(if $(PORT),--port $(PORT))

BENCH_STAMP := .venv-bench/.installed-$(shell cat requirements-bench.lock 2>/dev/null | cksum | cut -d' ' -f1)

$(BENCH_STAMP): requirements-bench.lock
	@echo "creating .venv-bench with the stock pipeline (jupyter metapackage) for the benchmark (first run only)"
	@test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	@.venv-bench/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-bench.lock
	@.venv-bench/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f .venv-bench/.installed-* && touch $@

bench: $(STAMP) $(BENCH_STAMP) ## time our build against the stock papermill/nbconvert/weasyprint pipeline (prints a table)
	@$(BIN)/python scripts/bench.py $(if $(REPS),--reps $(REPS))

$(LAB_STAMP): $(STAMP) requirements-lab.lock
	@echo "installing JupyterLab into $(VENV) from requirements-lab.lock (first run only, a few minutes)"
	@$(BIN)/python -m pip install --disable-pip-version-check --progress-bar on --require-hashes -r requirements-lab.lock | grep -E '^(Collecting|Successfully)' | sed -e 's/^/  /'
	@touch $@

lab: $(LAB_STAMP) ## open the notebooks in JupyterLab with the project's environment (kernel "Python (csto-briefing)")
	@echo "starting JupyterLab on notebooks/ (Ctrl-C to stop); open the address it prints"
	@$(BIN)/jupyter lab --no-browser $(if $(filter 0,$(shell id -u)),--allow-root) --ServerApp.root_dir=notebooks

lint: $(STAMP) ## check the code with ruff (configured in pyproject.toml)
	@$(BIN)/python -m ruff check src tests scripts

clean: ## remove build/ and everything the build wrote into report/ (keeps .venv and report/README.md)
	rm -rf build report/briefing.* report/figures report/manifest.json report/editions report/.staging-* report/.old-*

lock: ## re-pin the dependencies, with hashes, after editing pyproject.toml (needs uv: pip install uv)
	uv pip compile pyproject.toml --extra test --python-version 3.11 --generate-hashes -o requirements.lock
	uv pip compile pyproject.toml --extra test --extra lab -c requirements.lock --python-version 3.11 --generate-hashes -o requirements-lab.lock
	uv pip compile pyproject.toml --extra test --extra bench -c requirements.lock --python-version 3.11 --generate-hashes -o requirements-bench.lock
