# Thread Workbench: one entry point for setting up, running, testing and measuring.
#   make demo   - set up, build the demo project, open JupyterLab on notebooks/
#   make test   - set up and run the whole test suite
#   make bench  - benchmarks (see benchmarks/README.md): bench-import, bench-store, bench-embed,
#                 bench-coding, bench-suggest, bench-app, bench-privacy

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PIP     = $(BIN)/python -m pip
DEMO_PROJECT ?= demo-project
PORT   ?= 8888
JUPYTER_FLAGS ?= $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: setup demo lab test lint bench bench-import bench-store bench-embed bench-coding bench-suggest bench-app bench-privacy clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c constraints.txt -e '.[notebook,dev]'
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(BIN)/workbench demo $(DEMO_PROJECT)
	WORKBENCH_PROJECT=$(abspath $(DEMO_PROJECT)) $(BIN)/jupyter lab notebooks/ \
		--no-browser --port=$(PORT) $(JUPYTER_FLAGS)

test: setup
	$(BIN)/ruff check workbench tests benchmarks
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check workbench tests benchmarks

$(VENV)/.installed-bench: $(VENV)/.installed
	$(PIP) install --quiet -c constraints.txt -e '.[notebook,dev,bench]'
	touch $@

bench: bench-import bench-store bench-embed bench-coding bench-suggest bench-app bench-privacy

bench-import: setup
	$(BIN)/python benchmarks/bench_import.py

# 16 writers for 60 s and 100 killed imports, on SQLite and PostgreSQL (about 15 minutes).
bench-store: setup
	$(BIN)/python benchmarks/bench_store.py

# BENCH_N comments (default 100,000: about 30 minutes on 2 cores).
BENCH_N ?= 100000
bench-embed: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/bench_embed_cluster.py --n $(BENCH_N)

# The coding app on a 100,000-comment project: next comment p95, coding committed p99
# (under a minute).
bench-coding: setup
	$(BIN)/python benchmarks/bench_coding.py

# Suggestions from k = 5, 20, 50 coded examples per theme against NHS analysts' coding
# (../shared/fixtures/csv/care_opinion_co.csv) and two baselines (about 3 minutes).
bench-suggest: setup
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/bench_suggest.py

clean:
	rm -rf $(VENV) $(DEMO_PROJECT) .pytest_cache .ruff_cache .hypothesis benchmarks/results

# The published app: render time with 1, 10 and 20 concurrent viewers and memory per viewer
# kernel, against a bare Voila page in the same run (APP=OUT_DIR for your own app).
bench-app: setup
	$(BIN)/python benchmarks/bench_app.py $(if $(APP),--app $(APP),)

# Scrubbing recall per kind (usernames, mentions, emails, links, phone numbers) on the
# labelled fixture set and the synthetic set.
bench-privacy: setup
	$(BIN)/python benchmarks/bench_privacy.py
