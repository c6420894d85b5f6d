#!/usr/bin/env bash
# On-CPU profile (Linux perf) of the embedded referral-flow burst, after the warm-up.
# Usage: bench/perf/record.sh OUT_DIR [SECONDS] [-- referral-flow options]
# Needs `perf` (apt-get install linux-perf) and a Release build of the bench. The runtime writes /tmp/perf-PID.map so
# perf can name JIT-compiled methods (DOTNET_PerfMapEnabled); W^X off so the JIT code has one address perf can see.
set -euo pipefail
out=${1:?out dir}; seconds=${2:-6}; shift 2 || true; [ "${1:-}" = "--" ] && shift
args=("$@"); [ ${#args[@]} -eq 0 ] && args=(--warmup 5000 --burst 2500 --rates 100 --seconds 2 --cycles 5)
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$root/bench/ReferralHub.Bench/bin/Release/net10.0/ReferralHub.Bench
mkdir -p "$out"
cd "$root/bench/ReferralHub.Bench"
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 "$bin" referral-flow "${args[@]}" > "$out/bench.txt" 2>&1 &
pid=$!
# The burst starts right after the warm-up line.
until grep -q "warm-up of" "$out/bench.txt" 2>/dev/null; do kill -0 $pid 2>/dev/null || { cat "$out/bench.txt"; exit 1; }; sleep 0.5; done
sleep 1
perf record -F 999 -g -p $pid -o "$out/perf.data" -- sleep "$seconds" 2>&1 | tail -1
wait $pid
perf script -i "$out/perf.data" -F tid,ip,sym,dso > "$out/perf.txt" 2>/dev/null
python3 "$root/bench/perf/perf-report.py" "$out/perf.txt" --top 30 | tee "$out/report.md"
