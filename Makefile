# Accord: `make run` serves the demo on SQLite; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint install migrate demo bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/accord migrate

demo: migrate
	$(BIN)/accord demo

run: demo
	$(BIN)/accord serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

test: install lint
	bash scripts/test.sh

bench: install
	$(BIN)/accord bench api

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
