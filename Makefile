# splicewatch build and test entry points. `make help` lists them.
GO      ?= go
BIN     ?= bin/splicewatch
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
GOFLAGS_BUILD = -trimpath -ldflags "-s -w -X main.version=$(VERSION)"

.PHONY: all build run generate check-generate test test-unit test-e2e bench lint deps help

all: build

help:
	@echo "make deps            install build and test dependencies (Debian, root)"
	@echo "make build           build $(BIN)"
	@echo "make run             install, build and run the sensor (root)"
	@echo "make test            the whole test suite (run as root: eBPF tests load real programs)"
	@echo "make bench           overhead and engine benchmarks"
	@echo "make generate        rebuild the committed eBPF objects from bpf/ (needs clang)"
	@echo "make lint            gofmt, go vet"

deps:
	bash scripts/install-deps.sh

build:
	$(GO) build $(GOFLAGS_BUILD) -o $(BIN) ./cmd/splicewatch

# run is the first of the README's two commands: install, build, and start
# the sensor with the embedded rule pack. Extra flags: make run ARGS=--events
run: deps build
	./$(BIN) run $(ARGS)

generate:
	$(GO) generate ./sensor/...

# check-generate proves the committed objects still compile from bpf/:
# it regenerates them into a scratch copy of the tree.
check-generate:
	@tmp=$$(mktemp -d) && trap 'rm -rf $$tmp' EXIT && \
	  git ls-files -z | xargs -0 -I{} cp --parents {} $$tmp && \
	  cd $$tmp && $(GO) generate ./sensor/... && $(GO) build ./sensor/... && \
	  echo "eBPF C compiles; generated Go bindings build"

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# test is the second of the README's two commands: the whole suite, as root.
# The end-to-end tests run on their own afterwards: the sensor sees every
# process on the machine, and the other packages' tests move a lot of data
# through splice and sendfile.
test: deps lint check-generate
	$(GO) test -count=1 -timeout 20m $$($(GO) list ./... | grep -v /test/e2e)
	$(GO) test -count=1 -timeout 10m ./test/e2e/...

test-unit:
	$(GO) test -count=1 -short ./event/... ./engine/... ./signatures/... ./sensor/...

test-e2e:
	$(GO) test -count=1 -v -timeout 10m ./test/e2e/...

bench:
	$(GO) test -run '^$$' -bench Overhead -benchtime 1x -timeout 10m ./test/e2e/

# test-kernels boots Debian kernels under qemu (TCG) and runs the end-to-end
# suite inside, once per attach mode. See docs/kernels.md.
.PHONY: test-kernels test-kernels-features
# The two kernels boot side by side (qemu TCG uses one core each).
KERNELS ?= linux-image-amd64 linux-image-6.12-amd64
test-kernels:
	@set -e; mkdir -p .cache; pids=""; for k in $(KERNELS); do \
	  bash test/kernels/run.sh ./test/e2e -kernel $$k -modes fentry,kprobe,tracepoint -boot-per-mode -timeout 6m -- -test.v > .cache/kernels-$$k.log 2>&1 & \
	  pids="$$pids $$!"; done; \
	fail=0; for p in $$pids; do wait $$p || fail=1; done; \
	for k in $(KERNELS); do grep -E '^(PASS|FAIL) |passed, .* failed' .cache/kernels-$$k.log || tail -20 .cache/kernels-$$k.log; done; \
	exit $$fail

test-kernels-features:
	bash test/kernels/run.sh ./sensor/features -kernel linux-image-amd64,linux-image-6.12-amd64 -env SPLICEWATCH_EXPECT=kprobes,fentry,bpf_lsm -- -test.v

# docs regenerates docs/events/*.md and docs/schema/event.schema.json from
# event/catalog; a test fails when the committed ones drift.
.PHONY: docs check-docs docs-examples
docs:
	$(GO) run ./cmd/splicewatch events gen-docs --root .

check-docs:
	$(GO) run ./cmd/splicewatch events gen-docs --root . --check

# docs-examples captures one real event per kind (root: loads eBPF); run `make docs` after.
docs-examples:
	SPLICEWATCH_WRITE_EXAMPLES=1 $(GO) test -count=1 -run TestWriteExamples ./test/e2e

# bench-kernels runs the overhead benchmark in each attach mode inside the
# qemu kernel, at 1/50 of the loop lengths: under emulation only the ratios
# between modes in one boot mean anything.
.PHONY: bench-kernels
bench-kernels:
	bash test/kernels/run.sh ./test/e2e -kernel linux-image-amd64 -modes fentry,kprobe,tracepoint -boot-per-mode -timeout 9m -env SPLICEWATCH_BENCH_SCALE=50 -- -test.run '^$$' -test.bench Overhead -test.benchtime 1x
