#!/bin/sh
# check_vm_lib.sh - libcorral-vm.a, the engine alone for bare-metal and
# RTOS embedders, needs nothing of libc but memory, string and math
# functions (and the default allocator's malloc & co.), and links into a
# program that uses nothing else of corral.
#
#   sh tests/check_vm_lib.sh [B]      (B: the build directory, build/rel)
#
# Checks, each an `ok`/`FAIL` line (tests/tap.sh):
#   1. only vm/alloc.c's object names the C allocator: every other object
#      of vm/ allocates through the corral_allocator hooks (vm/alloc.h);
#   2. the archive holds vm/'s objects only (no wasi/, no net/);
#   3. every symbol it leaves undefined is on the list below;
#   4. $B/tests/vm_embed (tests/vm_embed.c, linked with libcorral-vm.a and
#      libm alone) loads a module, links a host function and runs it;
#   5. that program needs no libpthread and no other corral library.
# A sanitizer build's runtime symbols (__asan_*, __ubsan_*) are left out.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
B=${1:-build/rel}
cd "$root" || exit 2
. tests/tap.sh

lib=$B/libcorral-vm.a
NM=${NM:-nm}

# What libcorral-vm.a may use, and why:
#   memcpy memmove memset memcmp     copies, zeroing, comparisons (everywhere)
#   bcmp                             clang's memcmp when only == 0 is tested
#   strlen strcmp strchr             names: imports, exports, host signatures
#   qsort                            duplicate export names, the linker's index
#   ceil ceilf floor floorf          f32/f64.ceil, floor, trunc (opcodes.def,
#   trunc truncf sqrt sqrtf          simd.h), f32/f64.sqrt; a compiler may
#                                    inline them (gcc -fno-math-errno does)
#   malloc calloc realloc free       vm/alloc.c only: the default allocator
#   __popcount* __clz* __ctz* ...    the compiler's own runtime (libgcc or
#   __*di3 __*ti3 __aeabi_* ...      compiler-rt): bit counts, 64-bit division
#   __atomic_*                       on 32-bit targets; 64-bit atomics there
#   __stack_chk_fail __*_chk         a compiler that protects stacks or fortifies
allowed="memcpy memmove memset memcmp bcmp strlen strcmp strchr qsort
ceil ceilf floor floorf trunc truncf sqrt sqrtf
malloc calloc realloc free"
alloc_syms="malloc calloc realloc free strdup strndup aligned_alloc posix_memalign memalign valloc reallocarray"

if [ ! -f "$lib" ]; then
    bad "libcorral-vm.a" "no $lib (make $lib)"
    summary check_vm_lib
    exit 1
fi

# ---- 1. the C allocator only in alloc.o ---------------------------------------
users=""
for o in "$B"/vm/*.o; do
    [ "$(basename "$o")" = alloc.o ] && continue
    for s in $($NM -u "$o" | awk '{print $NF}'); do
        for a in $alloc_syms; do
            [ "$s" = "$a" ] && users="$users $(basename "$o"):$s"
        done
    done
done
if [ -z "$users" ]; then
    ok "vm/ objects other than alloc.o reference no malloc, calloc, realloc or free"
else
    bad "vm/ objects call the C allocator directly" "$users"
fi

# ---- 2. members -------------------------------------------------------------------
members=$(ar t "$lib" | sort | tr '\n' ' ')
want=$(for f in vm/*.c; do basename "$f" .c; done | sed 's/$/.o/' | sort | tr '\n' ' ')
if [ "$members" = "$want" ]; then
    ok "libcorral-vm.a holds vm/'s objects only ($members)"
else
    bad "libcorral-vm.a members" "has: $members; want: $want"
fi

# ---- 3. undefined symbols ------------------------------------------------------------
defined=$($NM -g --defined-only "$lib" 2>/dev/null | awk 'NF >= 3 {print $3}' | sort -u)
undef=$($NM -u "$lib" 2>/dev/null | awk 'NF >= 1 && $NF !~ /:$/ {print $NF}' | sort -u)
stray=""
used=""
for s in $undef; do
    case "$s" in __asan_* | __ubsan_* | __sanitizer_* | __lsan_*) continue ;; esac
    echo "$defined" | grep -qx -- "$s" && continue
    used="$used $s"
    hit=0
    for a in $allowed; do [ "$s" = "$a" ] && hit=1; done
    case "$s" in
    __popcount* | __clz* | __ctz* | __*di2 | __*di3 | __*ti2 | __*ti3 | __aeabi_* | __atomic_* | \
        __stack_chk_fail | __memcpy_chk | __memmove_chk | __memset_chk) hit=1 ;;
    esac
    [ $hit -eq 0 ] && stray="$stray $s"
done
if [ -z "$stray" ]; then
    ok "libcorral-vm.a needs only:$used"
else
    bad "libcorral-vm.a needs symbols outside the allowed list" "$stray"
fi

# ---- 4. the embedder program -----------------------------------------------------------
prog=$B/tests/vm_embed
if [ ! -x "$prog" ]; then
    bad "vm_embed" "no $prog (make $prog)"
else
    out=$("$prog" 2>&1)
    rc=$?
    if [ $rc -eq 0 ] && echo "$out" | grep -q '^vm_embed: ok'; then
        ok "a program linked with libcorral-vm.a alone runs a module with a host function ($out)"
    else
        bad "vm_embed" "exit $rc: $out"
    fi
    # ---- 5. what it links ------------------------------------------------------------
    if command -v readelf >/dev/null 2>&1; then
        needed=$(readelf -d "$prog" 2>/dev/null | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' ')
        case " $needed" in
        *pthread* | *corral*) bad "vm_embed's libraries" "$needed" ;;
        *) ok "vm_embed needs no libpthread or corral library (${needed% })" ;;
        esac
    else
        skip "vm_embed's libraries" "no readelf"
    fi
fi

summary check_vm_lib
