# mlctl — make targets for a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
GO    ?= go
export PATH := $(CURDIR)/bin:$(PATH)

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
export VERSION

GO_SOURCES := $(shell find . -name '*.go' -not -path './.dev/*' -not -path './bin/*') go.mod go.sum

.PHONY: all build image tools pyref torchref nettools up down demo check test fuzz bench soak clean

all: build

## build: compile bin/mlctl
build: bin/mlctl
bin/mlctl: $(GO_SOURCES) $(shell find registry/migration -name '*.sql')
	$(GO) build -ldflags "-X github.com/mlctl/mlctl/cli.version=$(VERSION)" -o bin/mlctl ./cmd/mlctl

## image: the container image from the Dockerfile, with docker, podman or buildah (whichever
## works here), checked: it runs, as 65532, without a shell. Not part of `test`. IMAGE, TOOL,
## RUN_FLAGS: see deploy/image.sh
image:
	@deploy/image.sh

## tools: the Temporal CLI v1.5.1 in bin/ (built once), the python reference tools,
## and unbound, dig, wrk and hey for the serving tests and benchmarks
tools: bin/temporal pyref nettools
bin/temporal:
	@echo "building the Temporal CLI v1.5.1 into bin/ (once; about 3 minutes)"
	GOBIN=$(CURDIR)/bin $(GO) install github.com/temporalio/cli/cmd/temporal@v1.5.1
pyref:
	@deploy/dev/pyref.sh
torchref:
	@deploy/dev/torchref.sh
nettools:
	@deploy/dev/nettools.sh

## up / down: the local dev stack (PostgreSQL + Temporal dev server with web UI on :8233)
up: bin/temporal
	@deploy/dev/up.sh
down:
	@deploy/dev/down.sh

## demo: the whole path end to end on the local stack
demo: up build
	@deploy/dev/demo.sh

## check: go.mod and go.sum as `go mod tidy` leaves them, every Go file as gofmt writes it
check:
	@if ! diff=$$($(GO) mod tidy -diff); then \
	  echo "$$diff"; echo "check: go.mod or go.sum is not tidy (the diff above): run 'go mod tidy' and commit the result" >&2; exit 1; \
	fi
	@unformatted=$$("$$($(GO) env GOROOT)/bin/gofmt" -l $(filter %.go,$(GO_SOURCES))); \
	if [ -n "$$unformatted" ]; then \
	  echo "$$unformatted"; echo "check: these files are not gofmt-clean: run 'gofmt -w' on them" >&2; exit 1; \
	fi

## test: the checks, then every test, on real PostgreSQL and a real Temporal dev server
test: check up build pyref torchref nettools
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 80m ./...

## fuzz: every fuzz target (func FuzzXxx in a *_test.go), one at a time, each for FUZZTIME
## (default 30s; `make fuzz FUZZTIME=10m` is the 10 minutes per parser of issue 15); FUZZ=regexp
## keeps the targets it matches. `make test` runs their seed corpora only. A crash stops the run
## and Go keeps the input in the package's testdata/fuzz/FuzzXxx/.
FUZZTIME ?= 30s
FUZZ     ?= .
fuzz:
	@GO=$(GO) FUZZTIME=$(FUZZTIME) FUZZ='$(FUZZ)' deploy/dev/fuzz.sh

## bench: side-by-side benchmarks against xgboost, scikit-learn and torch (table + bench/out/bench.json),
## then every --sink output's sustained alerts/s and drops at twice that rate, side by side
bench: build pyref torchref nettools
	$(GO) run ./bench/cmd/mlctl-bench -out bench/out/bench.json
	$(GO) run ./bench/cmd/mlctl-sinkbench -duration 5s

## soak: one `mlctl serve` under steady HTTP + dns.log + dnstap load for SOAK (default 30m;
## `SOAK=3m make soak` for a short run), sampled every 10s: RSS drift < 5%, p99 drift < 20%,
## goroutines and open files flat, alerts exact. Not part of `test`. Needs PostgreSQL
## (MLCTL_DATABASE_URL, `make up`'s, or 127.0.0.1:5432) and starts its own Temporal and worker.
## Report on stdout and in .dev/soak/report.json (with the run's logs); fails when a target is missed.
SOAK ?= 30m
soak: build bin/temporal
	$(GO) run ./bench/cmd/mlctl-soak -duration $(SOAK) -out .dev/soak/report.json

clean:
	rm -rf bin/mlctl bench/out
