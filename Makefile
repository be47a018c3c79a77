# Two commands for a fresh machine: `make demo` and `make test` (see README.md).
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo test lint audit lock system-deps clean

$(BIN)/.installed: pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test]'
	touch $@

# The newest versions pyproject.toml allows, pinned for everyone (then `make test`).
lock:
	rm -rf .lock-venv && python3 -m venv .lock-venv
	.lock-venv/bin/pip install --quiet '.[test]'
	{ sed -n '1,2p' requirements.lock; .lock-venv/bin/pip freeze | grep -v '^mpp'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf .lock-venv

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
