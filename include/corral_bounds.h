/*
 * corral_bounds.h - every host-side bound that a guest, a tool input or an
 * MCP message can reach, in one place: what one of them can make the host
 * allocate, copy, hold open or wait for.  Each is a named constant with its
 * reason and [the test that drives it to its bound]; the code that enforces
 * it uses the name from here and nowhere else.
 *
 * Names keep the prefix of the layer that enforces them: WASI_ (wasi/),
 * NET_ (net/), TOOL_ and MCP_ (cli/), VM_ (the engine, per store).  The
 * engine's structural limits of the binary format (how many types, locals,
 * nested blocks a module may declare) bound what loading a module costs,
 * not what a running guest can ask of the host, and stay in vm/limits.h.
 *
 * Tests: "e2e_bounds NAME" is tests/e2e_bounds.sh (its guest is
 * tests/guest/wasi_bounds.c), whose case names begin with the constant
 * they drive; "e2e_net", "e2e_tool_cli", "e2e_wasi" the other e2e scripts;
 * "mcp/X" tests/mcp/X.mjs (run by tests/e2e_mcp.sh); test_* cmocka
 * programs.  A bound no test reaches says so.
 *
 * Includes only <stdint.h> and <stddef.h>: vm/ includes it too, and vm/
 * stays free of the OS.
 */
#ifndef CORRAL_BOUNDS_H
#define CORRAL_BOUNDS_H

#include <stddef.h>
#include <stdint.h>

/* ==== WASI (wasi/) ======================================================== */

/* Guest fds, the three stdio fds and the preopens included: past it an
 * open is EMFILE.  Each costs a host fd and a table entry (fdtable.c).
 * [e2e_bounds WASI_MAX_FDS] */
#define WASI_MAX_FDS 4096

/* iovecs used by one read or write call: the host's own IOV_MAX, so one
 * host call does it.  Later ones are still checked (EFAULT), but give a
 * short count.  The host array lives on the stack (fs.c).
 * [e2e_bounds WASI_MAX_IOV] */
#define WASI_MAX_IOV 1024

/* Bytes moved by one read or write call (a short count beyond): what the
 * host's read(2) moves at most, so a count always fits the guest's u32.
 * Nothing is copied: the host reads and writes guest memory in place.
 * [e2e_bounds WASI_MAX_IO] */
#define WASI_MAX_IO (UINT32_C(1) << 30)

/* Bytes of a guest path (and of a symlink's target), checked before it is
 * copied: past it ENAMETOOLONG.  The host's PATH_MAX (4096 with its NUL),
 * so the kernel's resolution and the component walk agree.
 * [e2e_bounds WASI_MAX_PATH] */
#define WASI_MAX_PATH 4095u

/* Symlinks followed while resolving one path: past it ELOOP.  The
 * kernel's own (MAXSYMLINKS), so the component walk agrees with openat2.
 * [e2e_bounds WASI_MAX_SYMLINKS] */
#define WASI_MAX_SYMLINKS 40

/* The component walk splices each symlink's target in front of the rest of
 * the path: a guest path plus WASI_MAX_SYMLINKS targets (each at most
 * WASI_MAX_PATH) is the longest it can become, so this is never reached by
 * a path the kernel resolves; past it ENAMETOOLONG.
 * [e2e_bounds WASI_WALK_MAX_PATH] */
#define WASI_WALK_MAX_PATH ((WASI_MAX_SYMLINKS + 1) * (WASI_MAX_PATH + 1))

/* Levels the read-only check climbs a host tree (path.c, wasi_path_dir_ro):
 * a tree deeper than any real one is refused with ELOOP, not searched on.
 * [not driven: it takes a host tree 65536 directories deep] */
#define WASI_RO_MAX_DEPTH 65536

/* Subscriptions of one poll_oneoff: a read and a write for every fd there
 * can be, and a clock.  The host holds about 56 bytes for each while it
 * waits; past it EINVAL (as poll(2) past RLIMIT_NOFILE).
 * [e2e_bounds WASI_MAX_POLL_SUBS] */
#define WASI_MAX_POLL_SUBS (2 * WASI_MAX_FDS + 1)

/* random_get fills guest memory in place, this much per host call, and
 * checks the run's interrupt between calls, so a 4 GiB request stops at a
 * timeout.  [e2e_bounds WASI_RANDOM_CHUNK] */
#define WASI_RANDOM_CHUNK ((size_t)1 << 20)

/* Arguments and environment (set by the embedder; the guest reads them):
 * count and bytes with NULs, so that what args_sizes_get/environ_sizes_get
 * answer, and the 4-byte pointers besides, fit a u32.  wasi_new fails
 * with E2BIG past them.
 * [e2e_bounds WASI_MAX_STRINGS: args and env as given; the bounds
 *  themselves are not driven: they take 2 GiB of strings] */
#define WASI_MAX_STRINGS (UINT32_MAX / 8)
#define WASI_MAX_STRINGS_BYTES (UINT32_MAX / 2)

/* Bounded without a constant of their own:
 *  - fd_readdir: one call gives what the guest's buffer holds (the last
 *    entry cut short), nothing more; the host keeps one name (at most
 *    NAME_MAX) between calls to give again the entry that did not fit.
 *    [e2e_bounds fd_readdir]
 *  - path_readlink: the target (at most PATH_MAX, on the host's stack) is
 *    cut to the guest's buffer.  [e2e_wasi fs: readlink]
 *  - captured stdout and stderr (wasi_config.capture_cap, the embedder's):
 *    two buffers of capture_cap bytes, allocated once; what a guest writes
 *    past them is dropped and counted.  [e2e_bounds TOOL_CAPTURE_CAP]
 *  - sock_recv/sock_send (wasi/sock.c): no socket is preopened, so none
 *    moves a byte; corral_net sockets read and write guest memory in place
 *    (net/sock.c). */

/* ==== network (net/) ====================================================== */

/* The rule: no corral_net call makes the host allocate more than these
 * bounds allow beyond the guest's own memory.  A guest's request is checked
 * against them before anything of it is copied (net.c), and only what the
 * transfer needs is copied: the method, URL and headers (at most
 * NET_REQ_METHOD_MAX + NET_REQ_URL_MAX + NET_REQ_HEADERS_MAX bytes); the
 * request body and socket data are read from and written to guest memory in
 * place, never copied (the guest does not run during the call, so its
 * memory cannot change or move under the transfer).  A response is held up
 * to NET_MAX_BODY (or the run's own cap) plus NET_MAX_HEADERS per handle,
 * NET_MAX_HANDLES handles at most. */

/* ---- a request, checked before it is copied (net.c, http.c) ---- */

/* The method: a token (RFC 9110 section 9); the longest registered method
 * (IANA's HTTP Method Registry) has 17 bytes.
 * [e2e_net "finding 10: method of 32 bytes (the cap)" and "of 33 bytes"] */
#define NET_REQ_METHOD_MAX 32u
/* The URL: RFC 9110 section 4.1 asks for at least 8000 octets; servers
 * commonly refuse longer request lines (414).
 * [e2e_net "finding 10: URL of 8192 bytes (the cap)" and "of 8193 bytes"] */
#define NET_REQ_URL_MAX 8192u
/* The guest's request header lines, "Name: value\n", all of them: as much
 * as common servers accept in a request head (64 KiB).
 * [e2e_net "finding 10: request headers of 65536 bytes (the cap)", "65537"] */
#define NET_REQ_HEADERS_MAX 65536u
/* Request header lines (blank ones not counted): far more than any real
 * request sends; the same order as servers' limits (100, Apache).
 * [e2e_net "finding 10: 100 request header lines (the cap)", "101"] */
#define NET_REQ_HEADER_LINES_MAX 100u
/* A socket host name: a DNS name (253) or a bracketed IPv6 literal.
 * [e2e_net "finding 10: socket host of 256 bytes refused", "of 253 bytes"] */
#define NET_SOCK_HOST_MAX 255u
/* A host name in a URL or a policy entry: the longest DNS name (RFC 1035);
 * the host's buffers for names are sized by it (policy.h, resolve.c).
 * [not driven past it by a guest: a longer name fails to parse] */
#define NET_NAME_MAX 253
/* A URL scheme ("http"); longer is refused when parsed (policy.c).
 * [not driven] */
#define NET_SCHEME_MAX 31

/* ---- a response (http.c) ---- */

/* Default response body cap: a tool's input, not a download manager.
 * [e2e_net "oversized body: capped at 16 MiB with -T"] */
#define NET_MAX_BODY (UINT64_C(16) << 20)
/* Response header bytes kept ("Name: value\n" of the last response
 * block): beyond is a broken or hostile server.
 * [e2e_net "finding 11: 262144 bytes of response headers (the cap)", "262145"] */
#define NET_MAX_HEADERS (256u << 10)
/* One response header line, without its CRLF.  Below libcurl's own limit
 * for one line (CURL_MAX_HTTP_HEADER, 100 KiB), which ends a transfer with
 * "Out of memory"; http.c reports either as this bound.
 * [e2e_net "finding 11: a response header line of 65536 bytes (the cap)", "65537"] */
#define NET_RESP_HEADER_LINE_MAX (64u << 10)
/* Response header lines: several times what real responses send.
 * [e2e_net "finding 11: 500 response header lines (the cap)", "501"] */
#define NET_RESP_HEADER_LINES_MAX 500u

/* ---- per run and per wait (net.c, http.c, sock.c, resolve.c) ---- */

/* [handles: e2e_net "NET_MAX_HANDLES: 64 responses open at once", "the
 *  65th is refused"; redirects and the two timeouts: not driven to the
 *  bound; the slice: e2e_stops rows http and dns, each stopped within
 *  100 ms of the run's deadline] */
#define NET_MAX_REDIRECTS 10          /* what browsers and curl allow, roughly */
#define NET_MAX_HANDLES 64            /* open responses + sockets per run */
#define NET_REQUEST_TIMEOUT_MS 30000  /* a request without its own limit */
#define NET_CONNECT_TIMEOUT_MS 10000  /* one connect attempt, name lookup included */
#define NET_SLICE_MS 100              /* waits poll the interrupt flag this often */
/* A wait bound by the run's deadline lasts this much longer: the run's
 * watchdog interrupts the store at the deadline (its clock starts a little
 * after net_link's), and the guest should see that timeout trap, not a
 * network error it might handle and carry on from.  [e2e_stops http] */
#define NET_RUN_GRACE_MS 250

/* ==== tool host and MCP (cli/) ============================================ */

/* A tool's stdout and stderr are captured, this much each (the rest is
 * dropped and counted; stdout past it is bad_output): a tool result is
 * read by an LLM, not streamed.
 * [e2e_bounds TOOL_CAPTURE_CAP: at the cap and one byte past it] */
#define TOOL_CAPTURE_CAP ((size_t)16 << 20)
/* An input is a tool call, not a data set.
 * [e2e_tool_cli "input_amplification_bounded: an input of exactly 64 MiB",
 *  "of 64 MiB and 1 byte"] */
#define TOOL_INPUT_MAX ((size_t)64 << 20)
/* What parsing an input may cost the host is bounded whatever its shape:
 * jansson spends up to TOOL_JSON_VALUE_COST bytes a value whatever its
 * spelling (measured with 2.14: {} 235, [] 139, "" 91, 0 43), so 60 MB of
 * "[]," would take 2.8 GB.  A pre-scan of the text (cli_json_prescan)
 * refuses an input past these bounds before jansson sees it, so an input
 * costs at most about 3 * TOOL_INPUT_MAX in copies of its text plus
 * TOOL_INPUT_MAX_VALUES * TOOL_JSON_VALUE_COST (24 MiB) in its tree.
 * [e2e_tool_cli and mcp/input_bounds "input_amplification_bounded: 100000
 *  values", "100001 values", "64 levels", "65 levels"] */
#define TOOL_INPUT_MAX_VALUES ((size_t)100000) /* a call has a few keys; a list of 100000 is no call */
#define TOOL_INPUT_MAX_DEPTH 64                /* the schemas nest 2 deep; validate.c stops at 64 */
#define TOOL_JSON_VALUE_COST 256               /* bytes a parsed value may cost, at most */
/* The same for a tool's output (at most TOOL_CAPTURE_CAP), parsed by the
 * host too: past these it is bad_output, never built.
 * [e2e_tool_cli "output_amplification_bounded: a result of 100000 values",
 *  "100001 values"; e2e_bounds TOOL_RESULT_MAX_DEPTH] */
#define TOOL_RESULT_MAX_VALUES ((size_t)100000) /* a string and a small metadata object
                                                  (jsexec's metadata.result <= 64 KiB) */
#define TOOL_RESULT_MAX_DEPTH 2048              /* jansson's own limit */
/* A tool call's default budget (each can be set lower or higher per call).
 * [e2e_tool_cli "stopped: timeout", "stopped: stack (default 1M)"] */
#define TOOL_TIMEOUT_MS UINT64_C(30000)      /* docs/design.md, "Sandbox", `tool` column */
#define TOOL_MAX_MEMORY (UINT64_C(512) << 20)
#define TOOL_MAX_STACK (UINT64_C(1) << 20)
#define TOOL_TIMEOUT_GRACE_MS UINT64_C(2000) /* lets a tool report its own timeout first */
/* What of a failed tool's output an error result quotes.
 * [e2e_bounds TOOL_STDERR_TAIL, TOOL_STDOUT_HEAD] */
#define TOOL_STDERR_TAIL 4000                /* stderr kept in an error result */
#define TOOL_STDOUT_HEAD 300                 /* bad output quoted in an error result */

/* An MCP message is a tool call: TOOL_INPUT_MAX.  A longer line is read
 * past and dropped (-32600).
 * [mcp/protocol "a line over 64 MiB: -32600"; "a line of 1 MiB (below the cap)"] */
#define MCP_MAX_LINE ((size_t)64 << 20)
/* Calls waiting for a worker, and their inputs together: each costs its
 * message's bytes plus TOOL_JSON_VALUE_COST a JSON value in it; past
 * either a call gets -32000 (server busy).
 * [mcp/protocol "the queue is bounded: ... call 1,025 gets -32000"; bytes: not driven] */
#define MCP_MAX_QUEUED 1024
#define MCP_MAX_QUEUED_BYTES ((size_t)256 << 20)
/* A message is parsed only within the bounds of a tool input and its
 * envelope: the arguments are params.arguments, two levels down, beside
 * jsonrpc, id, method, name and _meta.
 * [mcp/input_bounds "input_amplification_bounded: a message of 101000 values",
 *  "nested deeper than 66 levels"] */
#define MCP_MAX_VALUES (TOOL_INPUT_MAX_VALUES + 1000)
#define MCP_MAX_DEPTH (TOOL_INPUT_MAX_DEPTH + 2)
/* Workers (--max-concurrent, the config's max_concurrent): 1 to this.
 * [e2e_bounds MCP_MAX_WORKERS] */
#define MCP_MAX_WORKERS 256

/* ==== the engine, per store (corral_limits defaults) ====================== */

/* Linear memory: the whole wasm32 space (65536 pages of 64 KiB), as
 * Wasmtime allows; also the ceiling of any setting.
 * [e2e_wasi "memory: 64 MiB by default" runs below it; the 4 GiB itself
 *  is not driven] */
#define VM_DEFAULT_MAX_MEMORY_BYTES (UINT64_C(1) << 32)
/* Wasm stack bytes: values, locals and call frames together.  1 MiB holds
 * some 10,000 frames of typical compiled C, and bounds a runaway recursion.
 * [e2e_wasi "stack: runaway recursion with the default stack" and
 *  "stack: 5000 calls deep fit the default stack"] */
#define VM_DEFAULT_MAX_STACK_BYTES (1u << 20)
/* Table elements: table.grow past this returns -1.  Each element is one
 * pointer, so 10M elements is 80 MB at most.  [test_hardening_vm
 * tables_store_budget declares tables at it; past it: not driven] */
#define VM_DEFAULT_MAX_TABLE_ELEMS 10000000u
/* Instance state: everything an instance allocates besides linear memory
 * whose size the module decides - tables (the bulk of it: 20 tables of
 * 10M elements would be 1.6 GB), functions, globals, segment items and
 * drop state - counts against one budget per store, over all its
 * instances; instantiation fails and table.grow returns -1 past it.
 * 256 MiB holds three tables at the element cap with room to spare.
 * [test_hardening_vm tables_store_budget] */
#define VM_DEFAULT_MAX_INSTANCE_BYTES (256u << 20)

/* corral_snapshot: the initialiser's default fuel and wall clock, and the
 * data segments the written module holds at most (vm/snapshot.c: runs of
 * memory that differ from zero, the gap between them growing until they
 * fit), so the output is about memory's size whatever the guest leaves.
 * [e2e_snapshot; max runs: not driven] */
#define SNAP_DEFAULT_FUEL UINT64_C(10000000000)
#define SNAP_DEFAULT_TIMEOUT_MS 10000
#define VM_SNAPSHOT_MAX_RUNS 20000u

#endif
