# The two commands a newcomer needs: `make run` and `make test`.
GO ?= go
PCSC_TAGS := $(shell pkg-config --exists libpcsclite 2>/dev/null && echo pcsc)

.PHONY: run test build vet fuzz-smoke

run:
	$(GO) run ./cmd/sportello serve

build:
	CGO_ENABLED=0 $(GO) build -o bin/sportello ./cmd/sportello

# The whole suite; .ci/run calls it once on SQLite and once on PostgreSQL
# (SPORTELLO_TEST_POSTGRES=postgres://…). With libpcsclite installed it also runs the
# real PC/SC tests (build tag pcsc).
test:
	$(GO) vet ./...
	CGO_ENABLED=0 $(GO) build ./...
	$(GO) test -timeout 25m ./...
ifneq ($(PCSC_TAGS),)
	$(GO) test -timeout 10m -tags pcsc ./internal/card/... ./internal/cli/
endif
