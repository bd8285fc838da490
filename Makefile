# `make run`: install everything, build the index if needed, start the bot (a terminal chat with no token).
# `make test`: install everything and run the whole test suite (what CI runs).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test ingest bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

ingest: install
	$(BIN)/medaliyah ingest

run: install
	$(BIN)/medaliyah run

test: install
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder

bench: install
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/answer.py
	$(BIN)/python bench/telegram.py

clean:
	rm -rf $(VENV) .data
