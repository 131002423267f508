# Thin wrappers over npm scripts, for those who type `make`.
.PHONY: all build test demo bench lint clean

all: build

node_modules: package.json package-lock.json
	npm ci
	@touch node_modules

build: node_modules
	npm run build

test: node_modules
	npm test

demo: build
	npm run demo

bench: build
	npm run bench

lint: node_modules
	npm run lint

clean:
	rm -rf dist
