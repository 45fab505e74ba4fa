# Every target creates .venv on first use from this project's own files;
# nothing installed on the machine outside .venv is relied on.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PACKAGES := cors_wsgi flask_ext
PIP := PIP_CONSTRAINT=constraints.txt $(BIN)/python -m pip install --quiet

.PHONY: test lint typecheck pytest demo bench mutation docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# One stamp per extra: a target installs only what it needs.
$(VENV)/.installed-%: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[$*]'
	touch $@

test: lint typecheck pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy --strict $(PACKAGES)

pytest: $(VENV)/.installed-test $(VENV)/.installed-docs $(VENV)/.installed-release $(VENV)/.installed-bench
	$(BIN)/python -m pytest

# Ports: make demo DEMO_ARGS="--front-port 9000 --api-port 9001" (0 picks a free port).
DEMO_ARGS ?=
demo: $(VENV)/.installed-demo
	$(BIN)/python -m examples.demo $(DEMO_ARGS)

bench: $(VENV)/.installed-bench
	@command -v valgrind >/dev/null && command -v wrk >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind wrk; }
	$(BIN)/python -m benchmarks

mutation: $(VENV)/.installed-mutation $(VENV)/.installed-test
	$(BIN)/mutmut run

docs: $(VENV)/.installed-docs
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis docs/_build
