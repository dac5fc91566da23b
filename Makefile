# Breakwater: `make demo` and `make test` do all the set-up on a fresh Debian/Ubuntu machine as root.
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin

SWIFT ?= swift
# The interop tests and the benchmark start `python3` from PATH: grpcio is installed for it.
PYTHON := python3
# Build: nghttp2 headers via pkg-config. Tests also need protoc (C++ reference encodings).
APT_PACKAGES := libnghttp2-dev pkg-config
TEST_APT_PACKAGES := $(APT_PACKAGES) protobuf-compiler
PY_PACKAGES := grpcio grpcio-tools protobuf
DEMO_PORT ?= 50051

.PHONY: all build test bench demo deps system-deps test-system-deps apt-install python-deps clean

all: build

## Installs the system packages and Python peers the build and tests need, when missing.
deps: test-system-deps python-deps

system-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES)"

test-system-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(TEST_APT_PACKAGES)"

apt-install:
	@missing=""; \
	for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "need root to apt-get install$$missing"; exit 1; fi; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# pip may be missing (Debian's python3-pip) or refuse a system Python (PEP 668): handle both.
python-deps:
	@command -v $(PYTHON) >/dev/null || $(MAKE) --no-print-directory apt-install PACKAGES="python3 python3-pip"
	@if ! $(PYTHON) -c "import grpc, grpc_tools, google.protobuf" 2>/dev/null; then \
	  echo "installing: $(PY_PACKAGES)"; \
	  $(PYTHON) -m pip --version >/dev/null 2>&1 || $(MAKE) --no-print-directory apt-install PACKAGES=python3-pip; \
	  $(PYTHON) -m pip install -q $(PY_PACKAGES) 2>/dev/null || \
	    $(PYTHON) -m pip install -q --break-system-packages $(PY_PACKAGES); \
	  $(PYTHON) -c "import grpc, grpc_tools, google.protobuf"; \
	fi

build: system-deps
	$(SWIFT) build

## Runs the whole test suite: unit, loopback, interop with grpcio.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## Runs example-client against flaky-server through healthy, flaky, outage and recovery phases
## (about 35 s once built), with a live line each second and a summary.
demo: system-deps
	$(SWIFT) build --product flaky-server
	$(SWIFT) build --product example-client
	@bash scripts/demo.sh "$$($(SWIFT) build --show-bin-path)" $(DEMO_PORT)

## Runs the benchmark executable (release build), every part in a few minutes; record the
## figures in docs/BENCHMARKS.md. `make bench BENCH_PARTS="rpc scale"` runs only those parts;
## BENCH_BUILD_FLAGS="--scratch-path DIR" builds elsewhere than .build.
## h2load and nghttpd (Debian nghttp2-client, nghttp2-server) and grpcio are the reference peers.
BENCH_APT_PACKAGES := $(APT_PACKAGES) nghttp2-client nghttp2-server
BENCH_PARTS ?=
BENCH_BUILD_FLAGS ?=
bench: python-deps
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(BENCH_APT_PACKAGES)"
	$(SWIFT) build -c release $(BENCH_BUILD_FLAGS) --product benchmarks
	"$$($(SWIFT) build -c release $(BENCH_BUILD_FLAGS) --show-bin-path)/benchmarks" $(BENCH_PARTS)

clean:
	$(SWIFT) package clean
