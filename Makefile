# dallage — the commands that build, demo and test everything on a Debian 12 machine that has
# only the Rust toolchain. Run as root (or with sudo available) so `setup` can install packages.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export DEBIAN_FRONTEND := noninteractive

# Everything the build and the tests need, from Debian:
#   build: compiler, pkg-config, GDAL (and its SQLite), OpenSSL for libssh2, libclang for the
#          unbundled SQLite bindings;
#   tests: GDAL's command-line tools, real servers on loopback (nginx, vsftpd, sshd,
#          PostgreSQL + PostGIS), xmllint, Python for the harness, headless Chromium with
#          chromedriver for the web pages;
#   run:   DejaVu fonts for map labels (shaped by rustybuzz, drawn by tiny-skia).
#   The libraries of ProFTPD (unpacked by test-tools: its package conflicts with vsftpd's);
#   rnc2rng, which turns RFC 4287's Atom schema into the XML syntax xmllint reads.
APT_PACKAGES := build-essential pkg-config libgdal-dev gdal-bin libsqlite3-dev libssl-dev \
	zlib1g-dev libclang-dev clang nginx-light vsftpd openssh-server postgresql-15 \
	postgresql-15-postgis-3 apache2 lighttpd python3-pyftpdlib openssl \
	libxml2-utils python3 python3-venv curl ca-certificates chromium chromium-driver \
	fonts-dejavu-core unzip libhiredis0.14 libmemcached11 libmemcachedutil2 python3-rnc2rng

# The conformance suite's clients: QGIS 3.22 with PyQGIS, GDAL's Python bindings and numpy
# (system Python), and from PyPI, in a virtual environment, OWSLib, schemathesis, ogctests,
# feedparser and rdflib.
CONFORMANCE_APT := python3-qgis qgis-providers python3-gdal python3-numpy
CONFORMANCE_VENV := target/conformance/venv
CONFORMANCE_PYPI := owslib==0.35.0 schemathesis==4.32.5 ogctests==0.1.15 feedparser==6.0.14 rdflib==7.6.0

.PHONY: all setup web build release demo test test-tools test-unit servers-start servers-stop lint fmt clean conformance

all: build

# Installs the Debian packages of $(1) that are missing (fast when none is).
define apt_install
	@missing=""; \
	for package in $(1); do \
		dpkg-query -W -f='$${Status}\n' "$$package" 2>/dev/null | grep -q '^install ok installed$$' \
			|| missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get -o DPkg::Lock::Timeout=900 update -qq; \
		$(SUDO) apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends $$missing; \
	else \
		echo "setup: all $(words $(1)) packages present"; \
	fi
endef

## setup: install the missing Debian packages (fast when nothing is missing)
setup:
	$(call apt_install,$(APT_PACKAGES))

## build: debug build
build: setup web
	$(CARGO) build

## release: optimised build
release: setup web
	$(CARGO) build --release

# The web pages' map script: OpenLayers and ol-mapbox-style from the npm registry (versions
# pinned in web/package-lock.json), bundled by esbuild into target/web, which build.rs embeds in
# the binary (nothing is fetched from a CDN when pages are served). npm works in
# target/web-build, so the source tree holds no node_modules. The machine's Node.js is used;
# Debian's is installed only when there is none (a NodeSource nodejs already carries npm).
WEB_BUNDLE := target/web/map.js
WEB_SOURCES := $(wildcard web/src/*.js) web/package.json web/package-lock.json
WEB_BUILD := target/web-build

## web: bundle the pages' map script (once, and again when web/ changes)
web: $(WEB_BUNDLE)

$(WEB_BUNDLE): $(WEB_SOURCES)
	@command -v npm >/dev/null || { $(SUDO) apt-get -o DPkg::Lock::Timeout=900 update -qq; \
		$(SUDO) apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends nodejs npm; }
	mkdir -p $(WEB_BUILD) target/web
	cp web/package.json web/package-lock.json $(WEB_BUILD)/
	rm -rf $(WEB_BUILD)/src && cp -r web/src $(WEB_BUILD)/src
	cmp -s web/package-lock.json $(WEB_BUILD)/node_modules/.dallage-lock 2>/dev/null || { \
		cd $(WEB_BUILD) && npm ci --no-audit --no-fund --loglevel=error \
		&& cp package-lock.json node_modules/.dallage-lock; }
	cd $(WEB_BUILD) && ./node_modules/.bin/esbuild src/main.js --bundle --minify --format=iife \
		--target=es2020 --log-level=warning --outfile=map.js
	cp $(WEB_BUILD)/map.js $(WEB_BUILD)/map.css target/web/

## demo: generate the demo deliverables (if missing), register them and serve on 127.0.0.1:8080
demo: release
	./target/release/dallage demo

# Test peers that Debian lacks, built from crates.io: s3s-fs, an S3-compatible server (the
# tile cache's bucket tier is tested against it). Built once into target/tools.
S3_SERVER := target/tools/bin/s3s-fs
# ProFTPD and Pure-FTPd, whose Debian packages conflict with vsftpd's (each provides
# ftp-server): their packages are unpacked, not installed, under target/tools.
PROFTPD := target/tools/proftpd/usr/sbin/proftpd
PUREFTPD := target/tools/pureftpd/usr/sbin/pure-ftpd

## test-tools: build or unpack the test peers Debian cannot install beside the others (once)
test-tools: $(S3_SERVER) $(PROFTPD) $(PUREFTPD)

$(S3_SERVER):
	$(CARGO) install s3s-fs@0.14.1 --features binary --locked --root target/tools

# Unpacks Debian package $(1) into folder $(2).
define unpack_deb
	rm -rf $(2).deb && mkdir -p $(2).deb
	cd $(2).deb && { apt-get download $(1) || { $(SUDO) apt-get -o DPkg::Lock::Timeout=900 update -qq && apt-get download $(1); }; }
	dpkg -x $(2).deb/$(1)_*.deb $(2)
	rm -rf $(2).deb
endef

$(PROFTPD):
	$(call unpack_deb,proftpd-core,target/tools/proftpd)

$(PUREFTPD):
	$(call unpack_deb,pure-ftpd,target/tools/pureftpd)

## test: every test, against real servers started on loopback and stopped afterwards
test: setup web test-tools
	python3 tests/harness/layers.py
	$(CARGO) build --tests
	tests/harness/servers.sh start
	trap 'tests/harness/servers.sh stop' EXIT; $(CARGO) test -- --test-threads=2

## conformance: every service checked by xmllint (official XSDs), GDAL, QGIS, OWSLib and
## schemathesis against `dallage demo` on loopback; prints the client × service summary
conformance: setup web
	$(call apt_install,$(CONFORMANCE_APT))
	$(CARGO) build
	@# The environment is rebuilt when the pinned versions change (the stamp holds them).
	@[ "$$(cat $(CONFORMANCE_VENV)/.pins 2>/dev/null)" = "$(CONFORMANCE_PYPI)" ] || { \
		rm -rf $(CONFORMANCE_VENV); \
		/usr/bin/python3 -m venv $(CONFORMANCE_VENV); \
		$(CONFORMANCE_VENV)/bin/pip install -q --disable-pip-version-check $(CONFORMANCE_PYPI); \
		echo "$(CONFORMANCE_PYPI)" > $(CONFORMANCE_VENV)/.pins; }
	/usr/bin/python3 conformance/run.py --binary target/debug/dallage --work target/conformance \
		--venv $(CONFORMANCE_VENV)

## lint: formatting and clippy, warnings are errors
lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings

fmt:
	$(CARGO) fmt

clean:
	-tests/harness/servers.sh stop
	$(CARGO) clean
