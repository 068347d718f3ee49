# Two entry points, each sets up what it needs first:
#   make dashboard   the dashboard on the seed data
#   make test        lint and the whole test suite, browser tests included
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup chromium dashboard test lint

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

setup: $(VENV)/.installed

# Debian's Chromium for the browser tests; Playwright drives it, never downloads its own.
chromium:
	@test -x /usr/bin/chromium || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@/usr/bin/chromium --version

dashboard: setup
	$(BIN)/streamlit run dashboard.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy geo

test: setup chromium lint
	$(BIN)/pytest
