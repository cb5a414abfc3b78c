# lumberyard: one command per job. `make demo` and `make test` do all setup themselves.
# The local stack (Elasticsearch + Kafka from Maven Central) is driven by `python -m pipeline.stack`.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.lumberyard-setup
PYTEST_ARGS ?=

.PHONY: setup test lint demo bench stack-up stack-down stack-status stack-fetch gotools clean

## setup: .venv with lumberyard (editable) and its dev tools, pinned by constraints.txt
setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

## test: the whole suite, integration included; the fixtures start (and stop) the stack
## unless ES_URL / KAFKA_BOOTSTRAP are set or it is already running
## (-p timeout: fail loudly if pytest-timeout is missing, so no test can hang forever)
test: setup
	$(PY) -m pytest -p timeout --durations=15 $(PYTEST_ARGS)

## lint: ruff + mypy --strict on pipeline/ and parsers/
lint: setup
	$(VENV)/bin/ruff check pipeline parsers tests
	$(VENV)/bin/mypy pipeline parsers

## demo: the live job on the local stack: stack up, templates, `lumberyard serve` (Beats + Kafka)
## in the background, a genuine Filebeat (built once, cached) tailing logs that keep being written,
## an archive reprocessed and another sent through Kafka, then what landed; Ctrl-C stops it all
DEMO_LINES ?= 20000
demo: setup
	mkdir -p .stack/demo
	$(PY) -m bench.corpus --lines $(DEMO_LINES) --seed 7 --gzip .stack/demo/app.log.gz
	$(PY) -m bench.corpus --lines 2000 --seed 8 .stack/demo/kafka.log
	$(VENV)/bin/lumberyard demo --logs .stack/demo/app.log.gz --kafka-logs .stack/demo/kafka.log \
		--config examples/lumberyard.toml

## bench: throughput benchmarks (FULL=1 for the long version); bench.lumber measures the Beats
## (Lumberjack) input with go-lumber's tst-send against tst-lj and lumberyard serve
bench: setup
	$(PY) -m bench.bench_parse $(if $(FULL),,--lines 100000 --repeat 3)
	$(PY) -m bench.run $(if $(FULL),--full,)
	$(PY) -m bench.lumber $(if $(FULL),--publish,--secs 10)

stack-up: setup
	$(PY) -m pipeline.stack up

stack-down: setup
	$(PY) -m pipeline.stack down

stack-status: setup
	$(PY) -m pipeline.stack status

stack-fetch: setup
	$(PY) -m pipeline.stack fetch

## gotools: build the genuine Go Beats clients the interop tests and benchmarks run (Filebeat
## OSS 7.17.29, go-lumber tst-send/tst-lj) into the cache; cold ~4 min and ~1.1 GB, then instant
gotools: setup
	$(PY) -m pipeline.stack gotools

## clean: stop the stack and remove its state (data, logs); the download cache is kept
clean:
	-test -x $(PY) && $(PY) -m pipeline.stack down
	rm -rf .stack
