# build.mk - boxedjs-execute.wasm (jsexec): Duktape + asyncify setjmp/longjmp.
#
# Included from the top Makefile.  This explicit rule replaces the generic
# tools/NAME rule for this one tool (an explicit rule wins over a pattern).
#
#   1. Compile Debian's Duktape (/usr/share/duktape/duktape.c, through
#      duk_build.c, never copied here), main.c, sjlj.c, tools/lib/*.c with
#      -Os (smaller and faster than -O2 once instrumented), and the
#      wasm-assembly half of setjmp (sjlj_sp.s).
#   2. Link WITHOUT -O: clang would otherwise run wasm-opt at link time,
#      and its inlining breaks the asyncify boundary.
#   3. wasm-opt --asyncify first (imports ignored: none of them can
#      unwind; indirect calls NOT ignored: Duktape throws through function
#      pointers; sjlj_run is the driver and is not instrumented), then
#      optimise.  The result is a plain WebAssembly 2.0 module
#      (build/wasm/obj/boxedjs-execute/plain.wasm).
#   4. Pre-initialise it with the corral just built: `corral snapshot` runs
#      its wizer.initialize (the Duktape heap and the prelude, main.c) and
#      writes the module the manifest names, which starts with the heap
#      made.  The plain module still works: a call then makes the heap.
#
#   make build/wasm/tools/boxedjs-execute.wasm
#   make jsexec-noerr   the same without error support (setjmp returns 0,
#                       longjmp aborts): only to measure what asyncify costs

# Leave the including Makefile's default goal alone.
JSX_SAVED_GOAL := $(.DEFAULT_GOAL)

JSX_DIR   := tools/boxedjs-execute
JSX_OBJ   := build/wasm/obj/boxedjs-execute
JSX_DUK   := /usr/share/duktape
JSX_CC    := clang --target=wasm32-wasi
JSX_OPT   ?= -Os
JSX_CFLAGS := $(JSX_OPT) -I$(JSX_DIR) -I$(JSX_DUK) -Itools/lib
JSX_LIB_SRC := $(wildcard tools/lib/*.c)
JSX_HDRS  := $(wildcard $(JSX_DIR)/*.h $(JSX_DIR)/es/*.h tools/lib/*.h)
# The front end (es/: ES2022 -> ES5), linked into the module; esc_main.c
# is the native command build/es/esc only.
JSX_ES_SRC ?= $(filter-out %/esc_main.c,$(wildcard $(JSX_DIR)/es/*.c))
JSX_ES_OBJS = $(JSX_ES_SRC:$(JSX_DIR)/%.c=$(JSX_OBJ)/%.o)
JSX_LDFLAGS := -Wl,-z,stack-size=1048576
# The front end (es/*.o) never unwinds (it calls no Duktape and no
# longjmp): its functions are left out of the instrumentation too.
JSX_ASYNCIFY = --asyncify --pass-arg=asyncify-ignore-imports \
                --pass-arg=asyncify-removelist@sjlj_run$$(for o in $(JSX_ES_OBJS); do \
                  llvm-nm --defined-only $$o | awk '$$2 ~ /^[tT]$$/ { printf ",%s", $$3 }'; done)

$(JSX_OBJ)/duktape.o: $(JSX_DIR)/duk_build.c $(JSX_DIR)/coll.c $(JSX_DIR)/coll.h $(JSX_DIR)/setjmp.h $(JSX_DIR)/duk_jsexec.h
	@mkdir -p $(dir $@)
	$(JSX_CC) $(JSX_CFLAGS) -w -c $< -o $@

$(JSX_OBJ)/%.o: $(JSX_DIR)/%.c $(JSX_HDRS)
	@mkdir -p $(dir $@)
	$(JSX_CC) $(JSX_CFLAGS) -Wall -Wextra -Werror -c $< -o $@

$(JSX_OBJ)/sjlj_sp.o: $(JSX_DIR)/sjlj_sp.s
	@mkdir -p $(dir $@)
	$(JSX_CC) -c $< -o $@

$(JSX_OBJ)/lib/%.o: tools/lib/%.c $(wildcard tools/lib/*.h)
	@mkdir -p $(dir $@)
	$(JSX_CC) $(JSX_CFLAGS) -Wall -Wextra -Werror -c $< -o $@

# The prelude: prelude/*.js in name order, the body of one function.
JSX_PRELUDE := $(sort $(wildcard $(JSX_DIR)/prelude/*.js))
$(JSX_OBJ)/prelude.c: $(JSX_PRELUDE) $(JSX_DIR)/build.mk
	@mkdir -p $(dir $@)
	@{ echo '/* generated from the .js files of $(JSX_DIR)/prelude by build.mk; do not edit */'; \
	  echo 'extern const char jsx_prelude[];'; \
	  echo 'const char jsx_prelude[] = {'; \
	  { printf 'function (N) {\n'; cat $(JSX_PRELUDE); printf 'return H;\n}'; } | \
	    od -An -v -tx1 | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0x00};'; } >$@.tmp && mv $@.tmp $@

$(JSX_OBJ)/prelude.o: $(JSX_OBJ)/prelude.c
	$(JSX_CC) $(JSX_CFLAGS) -c $< -o $@

JSX_OBJS = $(JSX_OBJ)/duktape.o $(JSX_OBJ)/main.o $(JSX_OBJ)/sjlj.o $(JSX_OBJ)/prelude.o \
            $(JSX_OBJ)/sjlj_sp.o $(JSX_LIB_SRC:tools/lib/%.c=$(JSX_OBJ)/lib/%.o) $(JSX_ES_OBJS)

# Linked without -O (see 2.), with a 1 MiB shadow stack.
$(JSX_OBJ)/linked.wasm: $(JSX_OBJS)
	$(JSX_CC) $(JSX_LDFLAGS) -o $@ $(JSX_OBJS)

$(JSX_OBJ)/plain.wasm: $(JSX_OBJ)/linked.wasm
	wasm-opt $< $(JSX_ASYNCIFY) $(JSX_OPT) --strip-debug -o $@

# The initialisation is about 1.9G instructions (the prelude, and the
# normalize tables unpacked): 5 s here, several times that under SANITIZE=1,
# so the snapshot's default 10 s limit is raised.
build/wasm/tools/boxedjs-execute.wasm: $(JSX_OBJ)/plain.wasm $(CORRAL)
	@mkdir -p $(dir $@)
	$(CORRAL) snapshot --timeout 10m $< $@

# ---- the comparison build without error support --------------------------
$(JSX_OBJ)/noerr/duktape.o: $(JSX_DIR)/duk_build.c $(JSX_DIR)/coll.c $(JSX_DIR)/coll.h $(JSX_DIR)/setjmp.h $(JSX_DIR)/duk_jsexec.h
	@mkdir -p $(dir $@)
	$(JSX_CC) $(JSX_CFLAGS) -DSJLJ_NONE -w -c $< -o $@

$(JSX_OBJ)/noerr/%.o: $(JSX_DIR)/%.c $(JSX_HDRS)
	@mkdir -p $(dir $@)
	$(JSX_CC) $(JSX_CFLAGS) -DSJLJ_NONE -Wall -Wextra -Werror -c $< -o $@

$(JSX_OBJ)/noerr-linked.wasm: $(JSX_OBJ)/noerr/duktape.o $(JSX_OBJ)/noerr/main.o \
                       $(JSX_OBJ)/noerr/sjlj.o $(JSX_OBJ)/prelude.o \
                       $(JSX_LIB_SRC:tools/lib/%.c=$(JSX_OBJ)/lib/%.o) \
                       $(JSX_ES_SRC:$(JSX_DIR)/%.c=$(JSX_OBJ)/noerr/%.o)
	$(JSX_CC) $(JSX_LDFLAGS) -o $@ $^

$(JSX_OBJ)/noerr.wasm: $(JSX_OBJ)/noerr-linked.wasm
	wasm-opt $< $(JSX_OPT) --strip-debug -o $@

.PHONY: jsexec-noerr
jsexec-noerr: $(JSX_OBJ)/noerr.wasm

# ---- the front end as a native command ------------------------------------
#   make build/es/esc;  build/es/esc <prog.js   prints the ES5 text
build/es/esc: $(wildcard $(JSX_DIR)/es/*.c $(JSX_DIR)/es/*.h)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $(wildcard $(JSX_DIR)/es/*.c)

.DEFAULT_GOAL := $(JSX_SAVED_GOAL)
