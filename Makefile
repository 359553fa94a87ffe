# Two commands do everything: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo-out
PYTEST_WORKERS ?= 2

# SAM lives in its own environment: it pins boto3 exactly (README.md, "Deploying").
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
SAM_STAMP := $(SAM_VENV)/.installed
SAM_CLI_VERSION := 1.170.0
# The console's browser tests use Debian's Chromium through Playwright (never a downloaded browser).
export CHROMIUM ?= /usr/bin/chromium
export SAM_CLI_TELEMETRY := 0

.PHONY: install sam chromium fmt lint typecheck infra unit integration e2e browser test demo bench build deploy publish-console clean openapi

$(STAMP): pyproject.toml layers/common/requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(SAM_STAMP):
	test -d $(SAM_VENV) || $(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --upgrade pip
	$(SAM_VENV)/bin/pip install --quiet 'aws-sam-cli==$(SAM_CLI_VERSION)'
	touch $(SAM_STAMP)

sam: $(SAM_STAMP)

chromium:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium package for the console's browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "The console's browser tests need Chromium at $(CHROMIUM): install Debian's 'chromium' package" \
			"(sudo apt-get install chromium), or set CHROMIUM=/path/to/chromium." >&2; \
		exit 1; \
	fi

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lint: install sam
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/cfn-lint template.yaml
	$(SAM) validate --lint

typecheck: install
	$(BIN)/mypy

infra: install sam
	$(BIN)/pytest -n $(PYTEST_WORKERS) tests/infra

unit: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) tests/unit

integration: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) tests/integration

e2e: install
	$(BIN)/pytest tests/e2e

browser: install chromium
	$(BIN)/pytest tests/browser

test: lint typecheck chromium
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

demo: install
	$(BIN)/edt-import demo --out $(DEMO_DIR)

# The admin API's published document (tests/infra fails while it is stale).
openapi: install
	$(BIN)/edt-import openapi > docs/openapi.json

bench: install
	$(BIN)/python benchmarks/run_all.py

# The layer's Makefile (layers/common/) runs pip from the SAM environment's Python.
build: sam
	PYTHON=$(CURDIR)/$(SAM_VENV)/bin/python $(SAM) build

deploy: build
	$(SAM) deploy --guided

# The console's files and its config.json (the API's URL, the hosted sign-in) into the deployed stack's bucket.
publish-console: install
	@test -n "$(STACK)" || { echo "usage: make publish-console STACK=<the deployed stack's name>" >&2; exit 2; }
	$(BIN)/python -m console_publish --stack $(STACK)

clean:
	rm -rf $(VENV) $(SAM_VENV) .aws-sam $(DEMO_DIR) .mypy_cache .ruff_cache .pytest_cache
