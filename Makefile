# Callhook: `make run` starts the app, `make test` runs every test. Both
# install what is missing first (Debian 12 / Ubuntu; uses sudo when not root).

GO        ?= go
BIN       := bin/callhook
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
export CGO_ENABLED := 1

.PHONY: all deps build run run-headless test test-unit vet vet-cross fmt-check bench bench-sip dist screenshots clean

all: build

deps:
	@scripts/deps.sh

build: deps
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/callhook

# The desktop app (tray + window). On a machine without a display it says so;
# use `make run-headless` there.
run: build
	@scripts/run.sh $(BIN)

# Headless: sources + dispatcher on the default config until Ctrl-C.
run-headless: build
	$(BIN) run

vet:
	$(GO) vet ./...

# The packages that must build everywhere, vetted for Windows and macOS
# too (the GUI needs cgo for macOS, so it is vetted for Windows only).
vet-cross:
	CGO_ENABLED=0 GOOS=windows $(GO) vet ./call ./hooks ./sip ./templates ./ui ./internal/...
	@# On macOS fyne and fyne.io/systray need cgo, which a cross vet has not:
	@# ui and the agent (tray) are vetted for Linux and Windows only.
	CGO_ENABLED=0 GOOS=darwin $(GO) vet ./call ./hooks ./sip ./templates $$($(GO) list ./internal/... | grep -v /internal/agent)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# Every test: vet, gofmt, unit + end-to-end tests with the race detector
# (real Kamailio and sipp, a real gnome-keyring on a private session bus),
# and the GUI smoke test under Xvfb.
test: deps vet vet-cross fmt-check
	CALLHOOK_REQUIRE_PEERS=1 scripts/with-session.sh $(GO) test -race -count=1 -timeout 25m ./...
	@if [ -x scripts/gui-smoke.sh ]; then scripts/gui-smoke.sh; fi

# Unit tests only: -short skips every test that needs a real peer
# (Kamailio, sipp, baresip, network namespaces, the keychain) or the
# callhook binary, even with CALLHOOK_REQUIRE_PEERS=1 (siptest.RequireReal).
test-unit:
	$(GO) test -race -short ./...

# The Windows build, run under Wine and Xvfb: the CLI, deliveries to a
# loopback receiver, the journal under %AppData%, the window; prints each
# step's time and what Wine cannot run. Installs wine64, wine and
# mingw-w64 when missing. The first cgo build of fyne for Windows takes
# minutes.
.PHONY: test-windows
test-windows: deps
	@scripts/wine-test.sh $(VERSION)

bench: deps
	@scripts/bench.sh

bench-sip: deps
	@scripts/bench-sip.sh

# Soak: 20 calls/s for 10 minutes through `callhook run` and Kamailio,
# with a flaky receiver and a SIGKILL halfway; prints figures and fails
# only when a delivery went missing. CI: make soak DURATION=60.
.PHONY: soak
soak: deps
	@scripts/soak.sh

.PHONY: bench-remote
bench-remote: deps
	@scripts/deps.sh tshark
	@scripts/bench-remote.sh

screenshots: build
	@scripts/screenshots.sh

# The window walkthrough (TestWindowWalkthrough) photographed step by step,
# in English and German, into docs/walkthrough/.
.PHONY: docs-screens
docs-screens: deps
	@scripts/window-walkthrough.sh

dist: deps
	@scripts/dist.sh $(VERSION)

clean:
	rm -rf bin dist
