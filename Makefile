# Two commands for a newcomer: `make run` and `make test`. Every other target is a step of those
# or a measurement (eval, crossval, bench) whose output is kept in docs/.
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
PY := $(VENV)/bin/python
# Every Rasa command goes through assistant.run, which reads .env and fills endpoints.yml.
RASA := $(PY) -m assistant.run rasa
MODEL := models/assistant.tar.gz
# The data folders too: removing a file changes only its folder's time, and must retrain.
TRAINING_FILES := config.yml domain.yml $(wildcard assistant/*_features.py) assistant/sentence_encoder.py assistant/topic_classifier.py $(shell find data -type d -o -name '*.yml' 2>/dev/null)
WIDGET := web/dist/widget.js
WIDGET_SOURCES := web/package-lock.json web/build.mjs $(shell find web/src -type f 2>/dev/null)

# Rasa 3.6 runs on Python 3.8-3.10 only; pyenv machines pick 3.10 through PYENV_VERSION.
PYTHON310 := $(shell for p in python3.10 python3; do \
	  PYENV_VERSION=3.10.13 $$p -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null \
	  && { PYENV_VERSION=3.10.13 $$p -c 'import sys; print(sys.executable)'; break; }; done)

.PHONY: run test unit validate test-stories test-live test-browser eval agreement crossval purge audit clean

run: $(VENV)/.installed $(MODEL) $(WIDGET)
	$(PY) -m assistant.stack

$(VENV)/.installed: requirements.lock
	@if [ -z "$(PYTHON310)" ]; then echo "Python 3.10 is needed (Rasa 3.6 does not run on 3.11+): install it, e.g. 'pyenv install 3.10.13' or 'apt-get install python3.10 python3.10-venv'."; exit 1; fi
	test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==24.0"
	$(PY) -m pip install --quiet --no-deps -r requirements.lock
	@# Removes what the lock no longer lists, so the environment is exactly the lock.
	@extra=$$(comm -23 <($(PY) -m pip freeze | sed -E 's/[ =@].*//' | tr 'A-Z_' 'a-z-' | sort) \
	  <(grep -Ev '^(#|$$)' requirements.lock | sed -E 's/[ =@].*//' | tr 'A-Z_' 'a-z-' | sort)); \
	if [ -n "$$extra" ]; then echo "removing $$extra"; $(PY) -m pip uninstall --quiet -y $$extra; fi
	touch $@

# Trains only when the training data, domain, config or components changed since the last
# model, and then trains every component (--force): Rasa's cache would keep a component whose
# helper code (sentence_encoder.py, SoftmaxModel) changed but whose class did not.
$(MODEL): $(VENV)/.installed $(TRAINING_FILES)
	$(RASA) train --force --fixed-model-name assistant --out models
	touch $@

web/node_modules/.installed: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

$(WIDGET): web/node_modules/.installed $(WIDGET_SOURCES)
	cd web && npm run build

test: unit validate test-stories test-live test-browser
	@echo "make test: all parts passed"

unit: $(VENV)/.installed
	$(PY) -m pytest -q tests/unit

validate: $(VENV)/.installed
	$(RASA) data validate --fail-on-warnings

test-stories: $(MODEL)
	$(RASA) test core --model $(MODEL) --stories tests/stories \
	  --fail-on-prediction-errors --out results/stories

test-live: $(MODEL) $(WIDGET)
	$(PY) -m pytest -q tests/model tests/live

test-browser: $(MODEL) $(WIDGET)
	$(PY) -m pytest -q tests/browser

eval: $(MODEL)
	$(PY) scripts/evaluate.py --model $(MODEL)

# Independent readers' topics for the dev questions against the labels (docs/agreement/).
agreement: $(MODEL)
	$(PY) scripts/agreement.py --model $(MODEL) docs/agreement/labels_*.jsonl

crossval: $(VENV)/.installed
	mkdir -p results
	$(PY) scripts/crossval_config.py > results/config-crossval.yml
	$(RASA) test nlu --config results/config-crossval.yml --cross-validation --folds 5 \
	  --out results/crossval
	$(PY) scripts/crossval_table.py results/crossval > docs/crossval.md

# Deletes conversations older than RETENTION_DAYS (default 30); safe to run from cron.
purge: $(VENV)/.installed
	$(PY) scripts/purge.py

# pip-audit and npm audit; findings and what contains them: docs/security.md.
audit:
	bash scripts/audit.sh

clean:
	rm -rf models results var .rasa

# --- Scale-out (docs/scale-out.md) and the side-by-side benchmark (docs/benchmarks.md) -------------
.PHONY: run-scale test-scale bench

# PostgreSQL, Redis, action server(s), several Rasa instances, the pages and nginx, where .env says.
# scripts/scale/install.sh installs the Debian packages (postgresql, redis-server, nginx-light) if missing.
run-scale: $(VENV)/.installed $(MODEL) $(WIDGET)
	bash scripts/scale/install.sh
	$(PY) scripts/scale/topology.py run

test-scale: $(VENV)/.installed $(MODEL) $(WIDGET)
	bash scripts/scale/install.sh
	$(PY) -m pytest -q tests/scale

# Our configuration against Rasa's stock one; writes docs/benchmarks.md, prints the `bench:` line.
bench: $(VENV)/.installed
	bash scripts/scale/install.sh
	$(PY) scripts/bench/bench.py
