# Breakwater: `make demo` and `make test` do all the set-up on a fresh Debian/Ubuntu machine as root.
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin

SWIFT ?= swift
PYTHON ?= python3
APT_PACKAGES := libnghttp2-dev pkg-config
PY_PACKAGES := grpcio grpcio-tools protobuf
DEMO_PORT ?= 50051

.PHONY: all build test demo deps system-deps python-deps clean

all: build

## Installs the system packages and Python peers the build and tests need, when missing.
deps: system-deps python-deps

system-deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "need root to apt-get install$$missing"; exit 1; fi; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

python-deps:
	@$(PYTHON) -c "import grpc, grpc_tools, google.protobuf" 2>/dev/null || \
	  { echo "installing: $(PY_PACKAGES)"; $(PYTHON) -m pip install -q $(PY_PACKAGES); }

build: system-deps
	$(SWIFT) build

## Runs the whole test suite: unit, loopback, interop with grpcio.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## Runs the example server with faults and the example client against it (under a minute once built).
demo: system-deps
	$(SWIFT) build --product example-server
	$(SWIFT) build --product example-client
	@bash scripts/demo.sh "$$($(SWIFT) build --show-bin-path)" $(DEMO_PORT)

clean:
	$(SWIFT) package clean
