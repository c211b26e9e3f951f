#!/bin/sh
# bench/jsexec_es.sh CORRAL_BINARY - what modern JavaScript costs in jsexec
# next to the same work written in ES5.
#
# bench/jsexec-es/modern.js (a class, Map, for-of, destructuring, template
# literals, arrows, async/await) and bench/jsexec-es/es5.js (objects as
# dictionaries, index loops, callbacks) do the same word counting and
# print the same lines.  Each runs BENCH_RUNS times through
# `corral tool jsexec`, the two taking turns; the outputs must agree (with
# each other and from run to run).  Printed: the fuel of each
# (metadata.sandbox.fuel_used: the same every run), the median wall time
# of a run (process start included), and the ratio modern/ES5 of both;
# then the fuel of {"code":"1+1"}, the cost of a call that does nothing.
# The issue's target: ratio <= 1.20.
#
# It builds nothing: `make bench` builds corral and the jsexec module
# (build/wasm/tools/boxedjs-execute.wasm, which `corral tool jsexec` runs).
# JSON is written and read with python3; without it the script says so and
# exits 0.
#
# Environment:
#   BENCH_RUNS=5   runs of each program; the median time is shown
#
# Exit status: 0 when every run succeeded with the same output, 1 otherwise.
set -u
usage() { echo "usage: $0 CORRAL_BINARY" >&2; exit 2; }
[ $# -eq 1 ] || usage
case $1 in -h|--help) usage ;; esac
root=$(cd "$(dirname "$0")/.." && pwd) || exit 2
corral=$1
case $corral in */*) ;; *) corral=./$corral ;; esac
runs=${BENCH_RUNS:-5}
case $runs in ''|*[!0-9]*|0) echo "BENCH_RUNS must be a positive integer" >&2; exit 2 ;; esac
if ! command -v python3 >/dev/null 2>&1; then
    echo "bench/jsexec_es.sh skipped: python3 is not installed"
    exit 0
fi
exec python3 - "$corral" "$root/bench/jsexec-es" "$runs" <<'EOF'
import json, subprocess, sys, time
corral, d, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])

def call(code):
    t = time.monotonic()
    p = subprocess.run([corral, 'tool', 'jsexec', json.dumps({'code': code})],
                       capture_output=True, text=True)
    t = time.monotonic() - t
    try:
        r = json.loads(p.stdout)
    except ValueError:
        return None, 'corral printed no JSON (exit %d): %s' % (p.returncode, p.stderr.strip()[:200]), t
    if r.get('is_error'):
        return None, 'error result: ' + str(r.get('content'))[:300], t
    return r, None, t

def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2

failed = False
# the two programs take turns, so that a busy machine slows both alike
codes = {name: open('%s/%s.js' % (d, name)).read() for name in ('modern', 'es5')}
outs, fuels, times = {}, {}, {'modern': [], 'es5': []}
for i in range(runs):
    for name in ('modern', 'es5'):
        if name in fuels and fuels[name] is None:
            continue
        r, err, t = call(codes[name])
        if err:
            print('%s: FAIL: %s' % (name, err)); failed = True; fuels[name] = None; continue
        if name in outs and r['content'] != outs[name]:
            print('%s: FAIL: the output changed between runs' % name); failed = True; fuels[name] = None; continue
        outs[name] = r['content']
        fuels[name] = r['metadata']['sandbox']['fuel_used']
        times[name].append(t)
res = {}
for name in ('modern', 'es5'):
    if fuels.get(name) is not None:
        res[name] = (outs[name], fuels[name], median(times[name]))
if 'modern' in res and 'es5' in res and res['modern'][0] != res['es5'][0]:
    print('FAIL: modern.js and es5.js print different output')
    failed = True
print('%-8s %15s %10s' % ('program', 'fuel', 'time ms'))
for name in ('modern', 'es5'):
    if name in res:
        print('%-8s %15d %10.1f' % (name, res[name][1], res[name][2] * 1000))
if 'modern' in res and 'es5' in res:
    print('%-8s %15.2f %10.2f   (target: at most 1.20)' % ('ratio',
          res['modern'][1] / res['es5'][1], res['modern'][2] / res['es5'][2]))
r, err, t = call('1+1')
if err:
    print('1+1: FAIL: ' + err); failed = True
else:
    print('{"code":"1+1"}: %d fuel' % r['metadata']['sandbox']['fuel_used'])
sys.exit(1 if failed else 0)
EOF
