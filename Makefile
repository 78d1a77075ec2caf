# The two commands of the README's quick start: `make samples` and `make test`.
PYTHON ?= python3
PIP = $(PYTHON) -m pip install --quiet --disable-pip-version-check
SAMPLES = $(wildcard samples/*/study.yaml)

.PHONY: install samples test lint bench

install:
	sh scripts/system-deps.sh
	$(PIP) -e ".[test]"

samples: install
	$(PYTHON) -m cfpreport build $(SAMPLES) -o out

test: install
	$(PYTHON) -m ruff check cfpreport tests benchmarks
	$(PYTHON) -m pytest

bench: install
	$(PYTHON) benchmarks/calc.py
	$(PYTHON) benchmarks/render.py
