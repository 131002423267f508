# Thin wrappers over npm scripts, for those who type `make`.
.PHONY: all build test demo bench lint clean c-programs

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

# The C examples in programs/c (needs gcc-riscv64-unknown-elf and picolibc-riscv64-unknown-elf).
c-programs:
	$(MAKE) -C programs/c

clean:
	rm -rf dist
