# The whole set-up: `make run` (product on SQLite with demo data) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint install lock messages bench clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/motcua migrate --noinput
	$(BIN)/motcua load-demo-data
	$(BIN)/motcua collectstatic --noinput --verbosity 0
	@echo "motcua: http://$(HOST):$(PORT)/"
	@# Plain HTTP on this machine: cookies cannot be "secure" here (production keeps HTTPS on).
	@# The local payment sandbox (a fake bank page) gets a fresh secret per run; never in production.
	MOTCUA_HTTPS=0 MOTCUA_PAYMENT_SANDBOX_SECRET=$$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n') \
	$(BIN)/uvicorn motcua.asgi:application --host $(HOST) --port $(PORT) --lifespan off

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Regenerate the pinned lock file after changing pyproject.toml dependencies.
lock:
	uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

messages: $(STAMP)
	cd src/motcua && ../../$(BIN)/motcua makemessages -l en --no-obsolete && ../../$(BIN)/motcua compilemessages

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH)

clean:
	rm -rf $(VENV) build src/*.egg-info
