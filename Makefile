# corral - one build: the corral binary, libcorral.a, bench and test programs.
#
#   make            install missing packages, build corral, libcorral.a,
#                   libcorral.so and the tool modules
#   make install    copy them into $(DESTDIR)$(PREFIX) (PREFIX=/usr/local),
#                   with the headers, corral.pc and the man page
#   make uninstall  remove what make install copied there
#   make demo       install missing packages, build, call each agent tool once
#   make test       install missing packages, build, run every test
#   make spec       the official spec suite only
#   make bench      benchmarks against every peer runtime found on PATH, corral mcp,
#                   and jsexec's modern JavaScript against ES5 (bench/jsexec_es.sh)
#                   (BENCH="simd": only those programs of bench/run.sh)
#   make fuzz       libFuzzer on every fuzz target, and corral against node
#   SANITIZE=1      build everything with AddressSanitizer + UBSan
#   DISPATCH=switch build the interpreter with the switch fallback

CC      ?= cc
WASI_CC ?= clang --target=wasm32-wasi
OPT     ?= -O2

ifneq ($(HOST),)
# a cross build (the "cross builds" section below)
B       := build/$(HOST)
else ifeq ($(SANITIZE),1)
B       := build/san
# float-cast-overflow: not part of gcc's "undefined" set, and a cast of an
# out-of-range double is undefined (found by tests/fuzz, json.c).
SANFLAGS := -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT     := -O1
else ifeq ($(DISPATCH),switch)
B       := build/switch
else
B       := build/rel
endif

ifeq ($(DISPATCH),switch)
DISPFLAGS := -DVM_DISPATCH_SWITCH
endif

# -fno-math-errno: sqrt is one instruction (nothing here reads errno after
# maths), so that gcc's corral needs no libm at all (--as-needed below).
CFLAGS  := -std=c11 $(OPT) -g -fno-math-errno -Wall -Wextra -Werror -Iinclude -Iwasi -Inet $(SANFLAGS) $(DISPFLAGS) $(EXTRA_CFLAGS)
LDFLAGS := $(SANFLAGS)
LIBM    := -lm

VM_SRC   := $(wildcard vm/*.c)
WASI_SRC := $(wildcard wasi/*.c)
NET_SRC  := $(wildcard net/*.c)
CLI_SRC  := $(wildcard cli/*.c)
SPEC_SRC := $(wildcard spec-tests/*.c)
TEST_SRC := $(wildcard tests/test_*.c)
BENCH_SRC := $(wildcard bench/*.c)

VM_ONLY_OBJ := $(VM_SRC:%.c=$(B)/%.o)
VM_OBJ   := $(VM_ONLY_OBJ) $(WASI_SRC:%.c=$(B)/%.o)
NET_OBJ  := $(NET_SRC:%.c=$(B)/%.o)
GEN_OBJ  := $(B)/gen/manifest.o
CLI_OBJ  := $(CLI_SRC:%.c=$(B)/%.o)
SPEC_OBJ := $(SPEC_SRC:%.c=$(B)/%.o)

LIB      := $(B)/libcorral.a
# The version, read from include/corral.h (its one source): the shared
# library is libcorral.so.MAJOR.MINOR.PATCH, its soname libcorral.so.MAJOR.
corral_version_part = $(shell sed -n 's/^\#define CORRAL_VERSION_$(1) \([0-9]*\)$$/\1/p' include/corral.h)
VERSION_MAJOR := $(call corral_version_part,MAJOR)
VERSION  := $(VERSION_MAJOR).$(call corral_version_part,MINOR).$(call corral_version_part,PATCH)
SONAME   := libcorral.so.$(VERSION_MAJOR)
SOLIB    := $(B)/libcorral.so.$(VERSION)
PIC_OBJ  := $(VM_OBJ:$(B)/%=$(B)/pic/%)
# The engine alone (vm/: no WASI, no threads, no OS calls), for bare-metal
# and RTOS embedders; tests/check_vm_lib.sh lists what it needs of libc.
VM_LIB   := $(B)/libcorral-vm.a
CORRAL   := $(B)/corral
SPEC_RUN := $(B)/spec-runner
TESTS    := $(TEST_SRC:tests/%.c=$(B)/tests/%)
BENCH_WASM := $(BENCH_SRC:bench/%.c=build/wasm/bench/%.wasm)
# Programs of bench/ also built with -msimd128, as NAME-v128.wasm (bench/run.sh).
BENCH_V128 := simd
BENCH_WASM += $(BENCH_V128:%=build/wasm/bench/%-v128.wasm)
TEST_WASM  := $(wildcard tests/guest/*.c)
TEST_WASM  := $(TEST_WASM:tests/guest/%.c=build/wasm/tests/%.wasm)

.PHONY: all build-all deps demo test spec bench clean check-vm-os fuzz fuzz-replay install \
        uninstall
# Everything a user runs: the set-up step first (it installs nothing when
# the packages are there), then the build.
all: deps
	@$(MAKE) --no-print-directory build-all
# build-all's rule follows the tools' variables ("agent tools" below):
# make expands a rule's prerequisites where it reads the rule.

# ---- set-up: install whatever Debian packages are missing ---------------
# (asked for by its native name first: the cross builds' multiarch
# libraries install the same packages for other architectures; then by
# its plain name, for Architecture: all packages)
PACKAGES := clang lld wasi-libc libclang-rt-14-dev-wasm32 wabt libjansson-dev \
            libcurl4-openssl-dev libcmocka-dev duktape-dev binaryen time \
            libclang-rt-14-dev pkg-config strace
deps:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg -s $$p:$$(dpkg --print-architecture) >/dev/null 2>&1 || dpkg -s $$p >/dev/null 2>&1 || \
	    missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# ---- the engine library and the command ---------------------------------
$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(VM_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The shared library: the same sources compiled position-independent, and
# only the corral_ API exported (pkg/libcorral.map).  The links
# libcorral.so.MAJOR (the soname) and libcorral.so (for -lcorral) beside it.
$(B)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIC -fno-semantic-interposition -MMD -MP -c $< -o $@

$(SOLIB): $(PIC_OBJ) pkg/libcorral.map
	$(CC) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=pkg/libcorral.map \
	  -Wl,--no-undefined -o $@ $(PIC_OBJ) -pthread $(LIBM)
	ln -sf $(notdir $@) $(B)/$(SONAME)
	ln -sf $(SONAME) $(B)/libcorral.so

$(VM_LIB): $(VM_ONLY_OBJ)
	@rm -f $@
	ar rcs $@ $^

# A program that links libcorral-vm.a and nothing else of corral (no
# -pthread, no cmocka): tests/check_vm_lib.sh runs it.
$(B)/tests/vm_embed: tests/vm_embed.c $(VM_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(VM_LIB) $(LIBM)

# The module cache's key names the engine's sources, so that a change to
# any of them gives new entries (vm/cache.c, VM_SOURCE_HASH).
VM_SOURCE_HASH := $(shell cat vm/*.c vm/*.h vm/*.def include/corral.h 2>/dev/null | sha256sum | cut -c1-32)
$(B)/vm/cache.o $(B)/pic/vm/cache.o: CFLAGS += -DVM_SOURCE_HASH='"$(VM_SOURCE_HASH)"'
$(B)/vm/cache.o $(B)/pic/vm/cache.o: $(VM_SRC) $(wildcard vm/*.h vm/*.def) include/corral.h

# jansson is linked statically: one shared library fewer to load at every
# start (libjansson-dev ships the archive).
$(CORRAL): $(CLI_OBJ) $(NET_OBJ) $(GEN_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -pthread -o $@ $(CLI_OBJ) $(NET_OBJ) $(GEN_OBJ) $(LIB) -Wl,-Bstatic -ljansson -Wl,-Bdynamic -Wl,--as-needed $(LIBM)

# tools/manifest.json is compiled into the binary, so `corral tools` and the
# input validation of `corral tool` work wherever corral is copied.
$(B)/gen/manifest.c: tools/manifest.json
	@mkdir -p $(dir $@)
	@{ echo '/* generated from tools/manifest.json by the Makefile; do not edit */'; \
	  echo '#include <stddef.h>'; \
	  echo 'extern const unsigned char cli_manifest_json[];'; \
	  echo 'extern const size_t cli_manifest_len;'; \
	  echo 'const unsigned char cli_manifest_json[] = {'; \
	  od -An -v -tx1 tools/manifest.json | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0x00};'; \
	  echo 'const size_t cli_manifest_len = sizeof cli_manifest_json - 1;'; } >$@.tmp && mv $@.tmp $@

$(GEN_OBJ): $(B)/gen/manifest.c
	$(CC) $(CFLAGS) -c $< -o $@

$(SPEC_RUN): $(SPEC_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(SPEC_OBJ) $(LIB) -ljansson $(LIBM)

$(B)/tests/%: tests/%.c tests/test_wasm.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -pthread -o $@ $< $(LIB) -lcmocka $(LIBM)

# Allocation-failure injection: every malloc, calloc and realloc of the
# library goes through the test's counter.
$(B)/tests/test_alloc_fail: tests/test_alloc_fail.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -pthread -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc -o $@ $< $(LIB) -lcmocka $(LIBM)

# Tests of net/ link its objects too.  Nothing links libcurl: net/curl_dl.c
# loads it on the first HTTP request (dlopen is in glibc's libc since 2.34).
$(B)/tests/test_net_%: tests/test_net_%.c tests/test_wasm.h $(LIB) $(NET_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -pthread -o $@ $< $(NET_OBJ) $(LIB) -lcmocka $(LIBM)

# The SIMD unit test reads its modules, tests/wat/simd_*.wat, from
# build/wasm/tests/wat/ (tests/test_simd.c).
SIMD_WAT_WASM := $(patsubst tests/wat/%.wat,build/wasm/tests/wat/%.wasm,$(wildcard tests/wat/simd_*.wat))
$(B)/tests/test_simd: $(SIMD_WAT_WASM)
# ...and so does the allocator sweep (tests/test_alloc_hooks.c).
$(B)/tests/test_alloc_hooks: $(patsubst %,build/wasm/tests/wat/%.wasm,alloc_state simd_lanes recurse loop)
build/wasm/tests/wat/%.wasm: tests/wat/%.wat
	@mkdir -p $(dir $@)
	wat2wasm $< -o $@

# ---- guest programs (wasm32-wasi) -----------------------------------------
build/wasm/bench/%.wasm: bench/%.c
	@mkdir -p $(dir $@)
	$(WASI_CC) -O2 -Wl,--strip-debug -o $@ $<

$(BENCH_V128:%=build/wasm/bench/%-v128.wasm): build/wasm/bench/%-v128.wasm: bench/%.c
	@mkdir -p $(dir $@)
	$(WASI_CC) -O2 -msimd128 -Wl,--strip-debug -o $@ $<

# Guests find the public network ABI, include/corral_net.h, with -Iinclude.
build/wasm/tests/%.wasm: tests/guest/%.c include/corral_net.h
	@mkdir -p $(dir $@)
	$(WASI_CC) -O2 -Iinclude -Wl,--strip-debug -o $@ $<

# The agent tools: tools/NAME/*.c plus the guest library tools/lib/*.c make
# build/wasm/tools/NAME.wasm (NAME is the file name of the manifest).
TOOL_LIB_SRC := $(wildcard tools/lib/*.c)
TOOL_NAMES   := $(sort $(filter-out lib,$(notdir $(patsubst %/,%,$(dir $(wildcard tools/*/*.c))))))
TOOL_WASM    := $(TOOL_NAMES:%=build/wasm/tools/%.wasm)
# jsexec (Duktape with setjmp/longjmp through asyncify) has its own rules.
include tools/boxedjs-execute/build.mk

build-all: $(CORRAL) $(LIB) $(VM_LIB) $(SOLIB) $(TOOL_WASM)

.SECONDEXPANSION:
build/wasm/tools/%.wasm: $$(wildcard tools/%/*.c tools/%/*.h) $(TOOL_LIB_SRC) $(wildcard tools/lib/*.h) include/corral_net.h
	@mkdir -p $(dir $@)
	$(WASI_CC) -O2 -Wall -Wextra -Werror -Itools/lib -Iinclude -Wl,--strip-debug -o $@ $(filter tools/$*/%.c,$^) $(TOOL_LIB_SRC)

# ---- fuzzing (tests/fuzz/README.md) ----------------------------------------
# Each target tests/fuzz/fuzz_NAME.c is linked either with tests/fuzz/replay.c
# ($(B)/fuzz/fuzz_NAME FILES...: replays inputs, built by `make test`, which
# replays tests/fuzz/corpus/NAME) or, with FUZZ_ENGINE=libfuzzer, with
# libFuzzer (`make fuzz`: clang, ASan + UBSan, into build/fuzz).
FUZZ_TARGETS   := load run cache wasi url json bash
FUZZ_BIN       := $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%)
FUZZ_SECONDS   ?= 60
FUZZ_DIFF_RUNS ?= 200
FUZZ_SANFLAGS  := -fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer \
                  -fno-sanitize-recover=all
ifeq ($(FUZZ_ENGINE),libfuzzer)
FUZZ_MAIN :=
FUZZ_LINK := -fsanitize=fuzzer
else
FUZZ_MAIN := $(B)/tests/fuzz/replay.o
FUZZ_LINK :=
endif
# What each target links besides itself.  The guest tools' parsers are
# compiled natively ($(B)/native/), with _GNU_SOURCE for strcasecmp & co.
FUZZ_OBJ_load  := $(LIB)
FUZZ_OBJ_run   := $(LIB)
FUZZ_OBJ_cache := $(LIB)
FUZZ_OBJ_wasi  := $(LIB)
FUZZ_OBJ_url   := $(NET_OBJ) $(LIB)
FUZZ_OBJ_json  := $(B)/native/tools/lib/json.o $(B)/native/tools/lib/buf.o
FUZZ_OBJ_bash  := $(B)/native/tools/bash/parse.o $(B)/native/tools/bash/common.o \
                  $(B)/native/tools/bash/brace.o

$(B)/tests/fuzz/fuzz_json.o: CFLAGS += -Itools/lib
$(B)/tests/fuzz/fuzz_bash.o: CFLAGS += -Itools/bash
$(B)/tests/fuzz/%.o: tests/fuzz/fuzz.h
.SECONDARY: $(FUZZ_TARGETS:%=$(B)/tests/fuzz/fuzz_%.o) $(B)/tests/fuzz/replay.o \
            $(FUZZ_OBJ_json) $(FUZZ_OBJ_bash)

$(B)/native/tools/%.o: tools/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -D_GNU_SOURCE -Itools/lib -MMD -MP -c $< -o $@

$(B)/fuzz/fuzz_%: $(B)/tests/fuzz/fuzz_%.o $(FUZZ_MAIN) $$(FUZZ_OBJ_$$*)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $(FUZZ_LINK) -pthread -o $@ $^ $(LIBM)

# The corral half of the differential run against node (tests/fuzz/diff.sh).
$(B)/fuzz/diff_corral: $(B)/tests/fuzz/diff_corral.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBM)

fuzz-replay: $(FUZZ_BIN)
	sh tests/fuzz/replay.sh $(B)

# libFuzzer, FUZZ_SECONDS per target, then FUZZ_DIFF_RUNS modules of
# `wasm-opt -ttf` on corral and node (when both are installed).
fuzz: deps
	@$(MAKE) --no-print-directory FUZZ_ENGINE=libfuzzer B=build/fuzz CC=clang OPT=-O1 \
	  SANFLAGS="$(FUZZ_SANFLAGS)" $(FUZZ_TARGETS:%=build/fuzz/fuzz/fuzz_%) \
	  build/fuzz/fuzz/diff_corral
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_DIFF_RUNS=$(FUZZ_DIFF_RUNS) \
	  sh tests/fuzz/run.sh build/fuzz $(FUZZ_TARGETS)

# ---- cross builds -----------------------------------------------------------
# make cross HOST=armhf (32-bit ARM) or HOST=s390x (big-endian 64-bit) builds
# the libraries, corral, the spec runner and the engine's unit tests with
# Debian's cross gcc into build/HOST, and build/HOST/qemu/*: one script per
# program that runs it under qemu-user (the test scripts take it as the
# program).  Any other target: make HOST=NAME CC=its-gcc QEMU="qemu-NAME -L
# its-sysroot" cross.  make cross-deps installs the toolchains, qemu-user
# and the targets' libraries (Debian multiarch); make test runs the cross
# suites for every HOST installed (tests/run.sh, "cross").
CROSS_HOSTS        := armhf s390x
CROSS_TRIPLE_armhf := arm-linux-gnueabihf
CROSS_TRIPLE_s390x := s390x-linux-gnu
CROSS_QEMU_armhf   := qemu-arm
CROSS_QEMU_s390x   := qemu-s390x
# What the cross programs link (cmocka: the tests; jansson: the spec runner
# and corral).  libcurl is not among them: net/ loads it at run time, and
# only its headers are needed (below).
CROSS_LIBS          = libcmocka-dev:$1 libjansson-dev:$1
CROSS_PACKAGES     := qemu-user $(foreach h,$(CROSS_HOSTS),gcc-$(CROSS_TRIPLE_$h) $(call CROSS_LIBS,$h))
# The unit tests that need nothing of the host but a file system: not the
# network's, nor the allocation-failure sweep (glibc-specific --wrap, and
# the longest under emulation).
CROSS_TESTS  = $(filter-out $(B)/tests/test_net_% $(B)/tests/test_alloc_fail,$(TESTS))

# On every host, off_t, ino_t and time_t are 64 bits: on a 32-bit one
# readdir failed with EOVERFLOW (the inodes and cookies of a 64-bit kernel
# do not fit; e2e_wasi's readdir cases on armhf), and file times and clocks
# past 2038 would not fit either.  No-ops where they are 64 bits anyway;
# corral.h has none of these types, so embedders need not match them.
CFLAGS += -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64

ifneq ($(HOST),)
ifeq ($(SANITIZE),1)
$(error SANITIZE=1 is not for cross builds (HOST=$(HOST)))
endif
ifneq ($(origin CC),command line)
ifeq ($(CROSS_TRIPLE_$(HOST)),)
$(error HOST=$(HOST): not one of $(CROSS_HOSTS); give CC= and QEMU= for another)
endif
CC   := $(CROSS_TRIPLE_$(HOST))-gcc
endif
# No -L /usr/TRIPLE: the target's libraries are multiarch packages, which
# bring the target's libc6 to /lib/TRIPLE; the cross toolchain's older copy
# under /usr/TRIPLE would pair its ld.so with that libc (a crash in
# pthread_create, seen on armhf).
QEMU ?= $(CROSS_QEMU_$(HOST))
ifeq ($(strip $(QEMU)),)
$(error HOST=$(HOST): give QEMU=, the command that runs its programs)
endif
# curl's headers are the same for every target (curl/system.h takes its
# types from the compiler's macros), so when the target's are not
# installed, the build machine's serve.
CURL_HEADERS ?= $(firstword $(wildcard /usr/include/curl /usr/include/$(shell cc -print-multiarch 2>/dev/null)/curl))
ifneq ($(CURL_HEADERS),)
$(NET_OBJ): CFLAGS += -idirafter $(B)/curl-include
$(NET_OBJ): | $(B)/curl-include/curl
$(B)/curl-include/curl:
	@mkdir -p $(dir $@)
	ln -sfn $(CURL_HEADERS) $@
endif
endif

CROSS_RUN := $(CORRAL) $(SPEC_RUN) $(CROSS_TESTS)
CROSS_QEMU_SCRIPTS = $(CROSS_RUN:$(B)/%=$(B)/qemu/%)

.PHONY: cross cross-deps
cross:
	@test -n "$(HOST)" || { echo "make cross: give HOST= (one of $(CROSS_HOSTS))" >&2; exit 2; }
	@$(MAKE) --no-print-directory $(CROSS_RUN) $(LIB) $(VM_LIB) $(SOLIB) $(CROSS_QEMU_SCRIPTS) \
	  $(TEST_WASM)

# build/HOST/qemu/PROGRAM: exec qemu with build/HOST/PROGRAM and the arguments.
$(B)/qemu/%: $(B)/%
	@mkdir -p $(dir $@)
	@printf '#!/bin/sh\n# generated by make cross: %s under qemu-user\nexec %s %s "$$@"\n' \
	  '$<' '$(QEMU)' '$(CURDIR)/$<' >$@.tmp && chmod +x $@.tmp && mv $@.tmp $@

cross-deps:
	@SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	for h in $(CROSS_HOSTS); do \
	  dpkg --print-foreign-architectures | grep -qx $$h || $$SUDO dpkg --add-architecture $$h || exit 1; \
	done; \
	missing=""; for p in $(CROSS_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# The HOSTs that make test builds and runs: toolchain, qemu and libraries
# installed; a line for each of the others.
define CROSS_READY_SH
if command -v $(CROSS_TRIPLE_$1)-gcc >/dev/null && command -v $(CROSS_QEMU_$1) >/dev/null && \
   dpkg -s $(call CROSS_LIBS,$1) >/dev/null 2>&1; then ready="$$ready $1"; \
else echo "cross $1: skipped, gcc-$(CROSS_TRIPLE_$1), qemu-user or $(call CROSS_LIBS,$1) not installed (make cross-deps)"; fi;
endef

# ---- what users run -------------------------------------------------------
demo: deps
	@$(MAKE) --no-print-directory $(CORRAL) $(TOOL_WASM)
	sh tools/demo.sh $(CORRAL)

spec: deps
	@$(MAKE) --no-print-directory $(SPEC_RUN)
	sh spec-tests/run.sh $(SPEC_RUN)

test: deps
	@$(MAKE) --no-print-directory build-all $(SPEC_RUN) $(TESTS) $(B)/tests/vm_embed $(TEST_WASM) $(BENCH_WASM) \
	  $(FUZZ_BIN)
ifneq ($(SANITIZE),1)
	@$(MAKE) --no-print-directory DISPATCH=switch CC=clang build/switch/spec-runner
	@# every host source also builds warning-free with clang
	@$(MAKE) --no-print-directory CC=clang B=build/clang build/clang/corral
	@ready=""; $(foreach h,$(CROSS_HOSTS),$(call CROSS_READY_SH,$h)) \
	built=""; broken=""; for h in $$ready; do \
	  if $(MAKE) --no-print-directory HOST=$$h cross; then built="$$built $$h"; else broken="$$broken $$h"; fi; \
	done; \
	B=$(B) CROSS="$$built" CROSS_BROKEN="$$broken" sh tests/run.sh
else
	B=$(B) sh tests/run.sh
endif

# make bench BENCH="simd": only those programs of bench/run.sh (with their
# -v128 builds), without the mcp, start-up and call figures.
bench: deps
ifeq ($(BENCH),)
	@$(MAKE) --no-print-directory $(CORRAL) $(BENCH_WASM) $(TOOL_WASM) build/wasm/bench/startup/hello.wasm
	BENCH_V128="$(BENCH_V128)" sh bench/run.sh $(CORRAL)
	sh bench/mcp.sh $(CORRAL)
	sh bench/startup.sh $(CORRAL)
	@if command -v python3 >/dev/null 2>&1; then python3 bench/calls.py $(CORRAL); \
	else echo "bench/calls.py skipped: python3 is not installed"; fi
	sh bench/jsexec_es.sh $(CORRAL)
else
	@$(MAKE) --no-print-directory $(CORRAL) $(BENCH_WASM)
	BENCH_ONLY="$(BENCH)" BENCH_V128="$(BENCH_V128)" sh bench/run.sh $(CORRAL)
endif

# ---- install -------------------------------------------------------------
# pkg/install.sh copies each MODE:FROM:TO (TO under $(DESTDIR)$(PREFIX)) and
# records every file and directory it made in lib/corral/install-manifest,
# which uninstall reads: it removes exactly those.  The installed corral
# finds its tools at ../lib/corral/tools from its own path, so the whole
# prefix can be moved.  corral.pc is written for PREFIX (its toolsdir
# variable names the tools' directory), and the man page (cli/corral.1)
# gets the version.
PREFIX ?= /usr/local
INSTALL_FILES = 755:$(CORRAL):bin/corral \
    $(foreach h,$(wildcard include/*.h),644:$(h):$(h)) \
    644:$(LIB):lib/libcorral.a \
    755:$(SOLIB):lib/$(notdir $(SOLIB)) \
    link:$(notdir $(SOLIB)):lib/$(SONAME) \
    link:$(SONAME):lib/libcorral.so \
    644:$(B)/corral.pc:lib/pkgconfig/corral.pc \
    $(foreach t,$(TOOL_WASM),644:$(t):lib/corral/tools/$(notdir $(t))) \
    644:$(B)/corral.1:share/man/man1/corral.1 \
    644:README.md:share/doc/corral/README.md \
    644:SECURITY.md:share/doc/corral/SECURITY.md

install: all
	@{ echo 'prefix=$(PREFIX)'; \
	  echo 'libdir=$${prefix}/lib'; \
	  echo 'includedir=$${prefix}/include'; \
	  echo 'toolsdir=$${libdir}/corral/tools'; \
	  echo; \
	  echo 'Name: corral'; \
	  echo 'Description: WebAssembly interpreter sandbox with WASI preview1'; \
	  echo 'Version: $(VERSION)'; \
	  echo 'Cflags: -I$${includedir}'; \
	  echo 'Libs: -L$${libdir} -lcorral'; \
	  echo 'Libs.private: -lpthread $(LIBM)'; } >$(B)/corral.pc
	@sed 's/@VERSION@/$(VERSION)/' cli/corral.1 >$(B)/corral.1
	sh pkg/install.sh install "$(DESTDIR)$(PREFIX)" $(INSTALL_FILES)

uninstall:
	sh pkg/install.sh uninstall "$(DESTDIR)$(PREFIX)"

# vm/ must stay free of the OS: no I/O, no threads, no system headers.
check-vm-os:
	@sh tests/check_vm_os.sh

clean:
	rm -rf build

-include $(VM_OBJ:.o=.d) $(PIC_OBJ:.o=.d) $(NET_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(SPEC_OBJ:.o=.d)
-include $(wildcard $(B)/tests/fuzz/*.d $(B)/native/tools/*/*.d)
