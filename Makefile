# SmartQueue: `make run` serves the demo on http://127.0.0.1:8000, `make test` checks everything.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install tools lint typecheck messages benchmark clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

# Without REDIS_URL, periodic jobs (no-shows, end of day, notification sweeps) run beside daphne.
run: install
	$(PY) manage.py setup_local --url http://$(HOST):$(PORT)
	@if [ -z "$$REDIS_URL" ]; then $(PY) manage.py run_periodic & fi; \
	exec $(VENV)/bin/daphne -b $(HOST) -p $(PORT) smartqueue.asgi:application

# Debian's Chromium when present (installed with apt when root), else Playwright's own browser;
# GNU gettext for the translation checks (skipped without it).
APT_INSTALL = DEBIAN_FRONTEND=noninteractive apt-get install -y -q
tools: install
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		$(APT_INSTALL) chromium || (apt-get update -q && $(APT_INSTALL) chromium); \
	else $(VENV)/bin/playwright install chromium; fi
	@if command -v xgettext >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		$(APT_INSTALL) gettext || (apt-get update -q && $(APT_INSTALL) gettext); fi

# After changing user-visible text: extract, translate in locale/*/django.po, compile.
messages: install
	$(PY) manage.py makemessages -l en -l wo --no-obsolete --ignore ".venv/*" --ignore "tests/*"
	$(PY) manage.py compilemessages --ignore ".venv/*"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy smartqueue

test: lint typecheck tools
	$(VENV)/bin/pytest

benchmark: install
	$(PY) manage.py benchmark_engine

clean:
	rm -rf $(VENV) .data staticfiles
