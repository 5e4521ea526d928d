# The README's two commands: `make run` and `make test`. Both install first (idempotent).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make run PORT=7861 HOST=0.0.0.0` serves elsewhere (the defaults are assistant serve's own)
HOST ?= 127.0.0.1
PORT ?= 7860

.PHONY: install run test lint browser-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# torch is installed first and pinned: the CPU wheel lies on local disk; anything looser pulls a CUDA build.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)
	$(BIN)/assistant models build
	$(BIN)/assistant store

run: install
	$(BIN)/assistant serve --host $(HOST) --port $(PORT)

# Debian's chromium + chromedriver for the end-to-end browser tests (skipped there when absent).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null; \
	  else echo "browser-deps: not root, chromium not installed; browser tests will be skipped"; fi; }

test: install browser-deps
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check assistant tests scripts
	$(BIN)/mypy assistant

clean:
	rm -rf $(VENV) corpus/store
