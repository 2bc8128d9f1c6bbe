# FlexiAPI Serverless. The two commands: `make run` and `make test`.
# Both install what they need (into .local/, plus Debian packages for the
# real-client tests) on a fresh machine that has Go, Java, Node/npm and
# Python with moto.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

LOCAL      := .local
TOOLS      := $(LOCAL)/tools
DDB_JAR    := $(TOOLS)/dynamodb/DynamoDBLocal.jar
SES_CLI    := $(TOOLS)/ses/node_modules/aws-ses-v2-local/dist/cli.js
# Go tools at pinned versions, from the Go module proxy.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(TOOLS)/staticcheck-$(STATICCHECK_VERSION)
RIE_VERSION := v0.0.0-20261030222936-bef5c4ba774d
RIE         := $(TOOLS)/aws-lambda-rie-$(RIE_VERSION)
SHARED     ?= ../shared
LINPHONE_SRC := $(SHARED)/tools/linphone-client
# --prefer-offline: without a network, plain npx spends ~80 s looking up the registry.
CDK        := npx --yes --prefer-offline aws-cdk@2.1148.1
# STAGE overrides the stage of CONFIG (default dev without either).
STAGE      ?=
DIST       := dist
APT_PACKAGES := liblinphone-dev libbellesip-dev g++ pkg-config curl redis-server sip-tester mariadb-server

export GOFLAGS := -buildvcs=false

.PHONY: help
help:
	@echo "make run      serve the whole API at http://127.0.0.1:$${FLEXIAPI_PORT:-8080} (emulators, real bootstraps, local API Gateway)"
	@echo "make test     every test: unit, DynamoDB Local / SES / moto integration, local gateway end to end, Linphone 5.1 client, curl"
	@echo "make unit     the tests that need only Go (no emulator): seconds"
	@echo "make build    arm64 bootstraps for AWS in $(DIST)/<function>/bootstrap and $(DIST)/<function>.zip"
	@echo "make bench    measure cold starts, latency, capacity units and cost into docs/benchmarks.md"
	@echo "make fuzz     run the fuzz targets for FUZZTIME each (default 60s)"
	@echo "make tools    install DynamoDB Local and the SES v2 emulator into $(TOOLS) (make test adds staticcheck and aws-lambda-rie)"

# ---------------------------------------------------------------- tools

.PHONY: tools
tools: $(DDB_JAR) $(SES_CLI) check-moto

$(DDB_JAR):
	@echo "installing DynamoDB Local (amplify-dynamodb-simulator@2.9.30)"
	rm -rf $(TOOLS)/dynamodb $(TOOLS)/tmp && mkdir -p $(TOOLS)/dynamodb $(TOOLS)/tmp
	cd $(TOOLS)/tmp && npm pack --silent amplify-dynamodb-simulator@2.9.30 >/dev/null
	tar xzf $(TOOLS)/tmp/amplify-dynamodb-simulator-2.9.30.tgz -C $(TOOLS)/dynamodb --strip-components=2 package/emulator
	rm -rf $(TOOLS)/tmp
	test -f $@

$(SES_CLI):
	@echo "installing the SES v2 emulator (aws-ses-v2-local@2.10.2)"
	mkdir -p $(TOOLS)/ses
	cd $(TOOLS)/ses && npm install --silent --no-audit --no-fund --prefix . aws-ses-v2-local@2.10.2 >/dev/null
	test -f $@

# `go install` into a scratch folder beside the target, then a rename:
# helpers sharing .local/tools never see half a binary.
$(STATICCHECK):
	@echo "installing staticcheck $(STATICCHECK_VERSION)"
	mkdir -p $(TOOLS) && d=$$(mktemp -d $(TOOLS)/.install.XXXXXX) && \
		GOBIN=$$(cd $$d && pwd) go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) && \
		mv $$d/staticcheck $@ && rmdir $$d

# AWS's Lambda Runtime Interface Emulator, which make test runs every
# bootstrap under once (shared/e2e/rie_test.go).
$(RIE):
	@echo "installing aws-lambda-rie $(RIE_VERSION)"
	mkdir -p $(TOOLS) && d=$$(mktemp -d $(TOOLS)/.install.XXXXXX) && \
		GOBIN=$$(cd $$d && pwd) go install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$(RIE_VERSION) && \
		mv $$d/aws-lambda-rie $@ && rmdir $$d

.PHONY: check-moto
check-moto:
	@command -v moto_server >/dev/null || { echo "moto_server is missing: it ships with the machine image (pip install 'moto[server]')" >&2; exit 1; }
	@command -v java >/dev/null || { echo "java is missing: DynamoDB Local needs Java 17+" >&2; exit 1; }

# The LocalStack hook tests (make test) call the aws CLI; make run does not.
.PHONY: check-aws
check-aws:
	@command -v aws >/dev/null || { echo "the aws CLI is missing: make test's LocalStack hook tests use it (pip install awscli, or Debian's awscli)" >&2; exit 1; }

# The Linphone 5.1 client harness, built from $(SHARED) (never copied into
# the repository). Debian packages are installed when missing.
.PHONY: apt-packages
apt-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# build.sh writes the binary next to its sources; when $(SHARED) is
# read-only, the same script runs from a scratch copy under $(LOCAL).
.PHONY: linphone-client
linphone-client: apt-packages
	@test -f $(LINPHONE_SRC)/build.sh || { echo "$(LINPHONE_SRC) not found: set SHARED=path/to/shared" >&2; exit 1; }
	@mkdir -p $(LOCAL)
	@if [ -w $(LINPHONE_SRC) ] && sh $(LINPHONE_SRC)/build.sh >/dev/null; then \
		echo "$(abspath $(LINPHONE_SRC))/linphone-flexiapi" > $(LOCAL)/linphone-client.path; \
	else \
		rm -rf $(LOCAL)/linphone-client && mkdir -p $(LOCAL)/linphone-client && \
		cp $(LINPHONE_SRC)/build.sh $(LINPHONE_SRC)/linphone-flexiapi.cpp $(LINPHONE_SRC)/flexiapiclient-5.1.hh $(LOCAL)/linphone-client/ && \
		chmod u+w $(LOCAL)/linphone-client/* && sh $(LOCAL)/linphone-client/build.sh >/dev/null && \
		echo "$(abspath $(LOCAL))/linphone-client/linphone-flexiapi" > $(LOCAL)/linphone-client.path; \
	fi
	@echo "Linphone 5.1 client: $$(cat $(LOCAL)/linphone-client.path)"

# ---------------------------------------------------------------- build

.PHONY: build
build:
	go run ./cmd/devstack build -arch arm64 -out $(DIST)

# The CloudFormation template, offline (no AWS account needed), then
# cfn-lint: make synth CONFIG=deploy/example.json (the deploy configuration,
# deploy/README.md). A configuration the stack refuses (an unknown name, a
# function environment over 4 KB) fails here.
.PHONY: synth
synth: build
	rm -f cdk.out/FlexiAPI-*.template.json
	$(CDK) synth -q $(if $(STAGE),-c stage=$(STAGE)) $(if $(CONFIG),-c config=$(CONFIG))
	cfn-lint cdk.out/FlexiAPI-*.template.json

# ---------------------------------------------------------------- run

# Built, then exec'ed (not `go run`, which answers Ctrl-C with exit
# status 1): Ctrl-C stops every process it started and make exits 0.
.PHONY: run
run: tools servers
	go build -o $(LOCAL)/bin/devstack ./cmd/devstack
	exec $(LOCAL)/bin/devstack run

# The stand-ins for Flexisip's Redis registrar (devices) and for the SQL
# database it authenticates from: Debian's packages, installed when
# missing (make test installs every package).
.PHONY: servers
servers:
	@missing=""; command -v redis-server >/dev/null || missing="redis-server"; \
	command -v mariadbd >/dev/null || test -x /usr/sbin/mariadbd || missing="$$missing mariadb-server"; \
	if [ -n "$$missing" ]; then $(MAKE) --no-print-directory apt-packages APT_PACKAGES="$$missing"; fi

# ---------------------------------------------------------------- test

.PHONY: test
test: tools check-aws $(STATICCHECK) $(RIE) linphone-client
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt would change:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	go vet ./... && go vet -tags integration ./...
	$(STATICCHECK) ./... && $(STATICCHECK) -tags integration ./...
	cd infra && go vet ./... && JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 go test -count=1 -timeout 30m ./...
	LINPHONE_CLIENT=$$(cat $(LOCAL)/linphone-client.path) AWS_LAMBDA_RIE=$(abspath $(RIE)) \
		go run ./cmd/devstack exec -- go test -tags integration -count=1 -timeout 20m ./...

# The tests that need nothing but Go (no emulator, no Debian package):
# seconds, for the edit-test loop. The integration tests (build tag
# `integration`) run in `make test`, against the emulators it starts.
.PHONY: unit
unit:
	go test ./...

# ---------------------------------------------------------------- Docker users: SAM local, LocalStack
# Neither runs in `make test` (no Docker engine on the development machines
# or in CI); localstack/hooks_test.go runs the LocalStack init hooks there
# against the local emulators.

# The admin CLI for the LocalStack container: linux, the Docker engine's
# architecture (this machine's when no engine answers), static.
DOCKER_ARCH ?= $(or $(strip $(shell docker version --format '{{.Server.Arch}}' 2>/dev/null)),$(shell go env GOARCH))

.PHONY: $(DIST)/flexiapi-admin-linux
$(DIST)/flexiapi-admin-linux:
	CGO_ENABLED=0 GOOS=linux GOARCH=$(DOCKER_ARCH) go build -trimpath -ldflags "-s -w" -o $@ ./cmd/flexiapi-admin

# SAM local: the synthesized stack served by `sam local start-api`, each
# function in a container (arm64, as deployed). CONFIG=path/to/config.json
# is passed to the stack as -c config=...; events/sam-env.json sets the
# table and APP_KEY the functions use.
SAM_STAGE ?= dev
SAM_PORT  ?= 3000
.PHONY: sam-api
sam-api:
	@command -v sam >/dev/null || { echo "make sam-api needs the AWS SAM CLI and a running Docker engine" >&2; exit 1; }
	@docker info >/dev/null 2>&1 || { echo "make sam-api needs a running Docker engine: sam local runs each function in a container" >&2; exit 1; }
	$(MAKE) --no-print-directory build
	$(CDK) synth -q -c stage=$(SAM_STAGE) $(if $(CONFIG),-c config=$(CONFIG))
	sam local start-api -t cdk.out/FlexiAPI-$(SAM_STAGE).template.json --env-vars events/sam-env.json \
		--port $(SAM_PORT) --warm-containers EAGER

# LocalStack: the stack (FlexiAPI-local) deployed with cdklocal into the
# LocalStack of localstack/docker-compose.yml, then the bootstrap-admin hook.
CDKLOCAL   := npx --yes -p aws-cdk-local@3.0.4 -p aws-cdk@2.1148.1 cdklocal
LOCALSTACK := docker compose -f localstack/docker-compose.yml
.PHONY: localstack-deploy
localstack-deploy:
	@curl -fsS http://localhost:4566/_localstack/health >/dev/null || { echo "LocalStack is not running: make $(DIST)/flexiapi-admin-linux, then LOCALSTACK_AUTH_TOKEN=... $(LOCALSTACK) up -d --wait (localstack/README.md)" >&2; exit 1; }
	$(MAKE) --no-print-directory build $(DIST)/flexiapi-admin-linux
	export AWS_ACCESS_KEY_ID=$${AWS_ACCESS_KEY_ID:-test} AWS_SECRET_ACCESS_KEY=$${AWS_SECRET_ACCESS_KEY:-test} \
		AWS_REGION=$${AWS_REGION:-us-east-1} AWS_DEFAULT_REGION=$${AWS_REGION:-us-east-1}; \
	$(CDKLOCAL) bootstrap -c stage=local; \
	$(CDKLOCAL) deploy -c stage=local $(if $(CONFIG),-c config=$(CONFIG)) --require-approval never
	$(LOCALSTACK) exec localstack /etc/localstack/init/ready.d/30-bootstrap-admin.sh

# ---------------------------------------------------------------- bench

# Cold starts, latency, capacity units, cost: docs/benchmarks.md.
# BENCHFLAGS=-quick for a one-minute run.
BENCHFLAGS ?=
.PHONY: bench
bench: tools servers
	go run ./cmd/bench $(BENCHFLAGS)

# ---------------------------------------------------------------- fuzz

FUZZTIME ?= 60s
.PHONY: fuzz
fuzz:
	for f in FuzzParseAuthorization FuzzParseFrom FuzzNonceCheck FuzzJWTVerify FuzzURIMatchesPath; do \
		go test ./shared/auth -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME); \
	done

.PHONY: clean
clean:
	rm -rf $(DIST) cdk.out $(LOCAL)/bin
