# Thin wrappers over the npm scripts; `make help` lists them.
.PHONY: help install dev test test-unit test-int lint typecheck bench local-cloud up down synth diff deploy

COMPOSE ?= docker compose -f localstack/docker-compose.yml

help: ## list targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

install: ## npm ci
	npm ci

dev: ## run the whole pipeline on the embedded local cloud (or $$AWS_ENDPOINT_URL)
	npm run dev -- $(ARGS)

test: ## all tests (unit + integration)
	npm test

test-unit: ## unit tests only
	npm run test:unit

test-int: ## integration tests only (starts the embedded local cloud)
	npm run test:int

lint: ## eslint + prettier
	npm run lint

typecheck: ## tsc --noEmit
	npm run typecheck

bench: ## every benchmark
	npm run bench

local-cloud: ## start the embedded local cloud and print its endpoint variables
	npm run local-cloud

up: ## start LocalStack in Docker and create the resources
	$(COMPOSE) up -d --wait
	@echo 'export AWS_ENDPOINT_URL=http://localhost:4566 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test'

down: ## stop LocalStack
	$(COMPOSE) down -v

# --- deploy/ (AWS CDK): ENV selects an environment of deploy/cdk.json; see deploy/README.md
ENV ?= dev
CDK = cd deploy && CDK_DISABLE_CLI_TELEMETRY=true npx --no-install cdk
CDK_CONTEXT = -c env=$(ENV) $(if $(WORKER_IMAGE),-c workerImage=$(WORKER_IMAGE)) $(if $(MODEL_SERVER_IMAGE),-c modelServerImage=$(MODEL_SERVER_IMAGE))

node_modules/.bin/cdk:
	npm ci

synth: node_modules/.bin/cdk ## synthesize the stack of ENV (default dev) into deploy/cdk.out; no AWS credentials needed
	$(CDK) synth --quiet $(CDK_CONTEXT)

diff: node_modules/.bin/cdk ## show what `make deploy` would change in ENV's stack (needs AWS credentials)
	$(CDK) diff $(CDK_CONTEXT)

deploy: node_modules/.bin/cdk ## bootstrap the account once, then build the images and deploy ENV's stack
	$(CDK) bootstrap $(CDK_CONTEXT)
	$(CDK) deploy $(CDK_CONTEXT) --require-approval broadening
