# SmartQueue: `make run` serves the demo on http://127.0.0.1:8000, `make test` checks everything.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Tests keep their embedded servers apart from a `make run` of the same clone.
TEST_DATA_DIR ?= $(CURDIR)/.data/test
PIP_INSTALL = $(PY) -m pip install --progress-bar on --disable-pip-version-check

.PHONY: run stop test install install-dev tools lint typecheck messages benchmark clean

# Serving needs only the runtime dependencies; `make test` adds the dev extras.
$(VENV)/.installed-run: pyproject.toml
	@echo "Installing SmartQueue's dependencies into $(VENV) (about a minute the first time)…"
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) --upgrade pip
	$(PIP_INSTALL) -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-run
	@echo "Installing the test and lint tools (pytest, Playwright, mypy, ruff…)…"
	$(PIP_INSTALL) -e '.[dev]'
	touch $@

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

# One supervisor: embedded PostgreSQL and Redis (unless DATABASE_URL / REDIS_URL are set), the
# demo, then the Procfile's web and worker. Ctrl-C stops all of it; so does `make stop`.
run: install
	HOST=$(HOST) PORT=$(PORT) $(PY) -m smartqueue.supervisor

stop:
	@$(PY) -m smartqueue.supervisor --stop

# Debian's Chromium when present (installed with apt when root), else Playwright's own browser;
# GNU gettext for the translation checks (skipped without it).
APT_INSTALL = DEBIAN_FRONTEND=noninteractive apt-get install -y -q
tools: install-dev
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		$(APT_INSTALL) chromium || (apt-get update -q && $(APT_INSTALL) chromium); \
	else $(VENV)/bin/playwright install chromium; fi
	@if command -v xgettext >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		$(APT_INSTALL) gettext || (apt-get update -q && $(APT_INSTALL) gettext); fi

# After changing user-visible text: extract, translate in locale/*/django.po, compile.
messages: install-dev
	$(PY) manage.py makemessages -l en -l wo --no-obsolete --ignore ".venv/*" --ignore "tests/*"
	$(PY) manage.py compilemessages --ignore ".venv/*"

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PYTHONPATH=. $(VENV)/bin/lint-imports --no-cache

typecheck: install-dev
	$(VENV)/bin/mypy smartqueue

test: lint typecheck tools
	SMARTQUEUE_DATA_DIR=$${SMARTQUEUE_DATA_DIR:-$(TEST_DATA_DIR)} $(VENV)/bin/pytest

benchmark: install-dev
	$(PY) manage.py benchmark_engine

clean:
	rm -rf $(VENV) .data staticfiles
