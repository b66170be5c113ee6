# The two commands of the README: `make run` and `make test`. Both install what they need.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_WORKERS ?= auto
export HOST PORT

.PHONY: run test lint system-deps venv translations

# Debian packages: the CJK font that PDFs embed, Chromium for browser tests, poppler for PDF checks.
system-deps:
	@bash .ci/system-deps.sh

$(VENV)/.installed: pyproject.toml examples/netsales-hello/pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]' -e examples/netsales-hello
	@touch $@

venv: $(VENV)/.installed

translations: venv
	@$(PY) -m core.i18n_compile

# Served by gunicorn with several workers (NETSALES_WORKERS=N to choose); `netsales run --dev` for development.
run: system-deps venv translations
	$(VENV)/bin/netsales init --demo
	$(VENV)/bin/netsales run --host $(HOST) --port $(PORT)

# The whole suite: core, built-in plugins and the example third-party plugin, after a lint of the whole tree.
test: system-deps venv translations
	$(VENV)/bin/ruff check .
	@# Bytecode caching matters here: pytest rewrites every core and plugin module it imports.
	@# One worker per core (pytest-xdist; PYTEST_WORKERS=0 runs in one process): each has its own database.
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -q -n $(PYTEST_WORKERS) tests plugins examples/netsales-hello/tests $(PYTEST_ARGS)
