# Two commands for a fresh machine: `make demo` and `make test` (see README.md).
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo test lint audit system-deps clean

$(BIN)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/.installed
	$(BIN)/mpp demo

system-deps:
	scripts/install-system-deps

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

audit: $(BIN)/.installed
	scripts/audit-dependencies $(VENV)

test: $(BIN)/.installed system-deps lint audit
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) demo test-artifacts .pytest_cache .mypy_cache .ruff_cache
