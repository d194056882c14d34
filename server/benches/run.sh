#!/usr/bin/env bash
# Server benchmark: build a synthetic index of FRAMES frames, start the
# release server on it, record start-up time and RSS, then load it with wrk
# posting a 1280x720 JPEG, and time the search alone for comparison.
#
#   server/benches/run.sh [FRAMES] [DURATION] [CONNECTIONS]
#   e.g. server/benches/run.sh 10000000 30s 4
set -euo pipefail
FRAMES=${1:-1000000}
DURATION=${2:-20s}
CONNECTIONS=${3:-4}
PORT=${PORT:-18181}
cd "$(dirname "$0")/../.."
WORK=${BENCH_DIR:-target/bench-server}
mkdir -p "$WORK"
INDEX="$WORK/index-$FRAMES.bin"

cargo build --release -q -p server --bin server --example bench_tool
BIN=target/release
[ -f "$WORK/query.jpg" ] || "$BIN/examples/bench_tool" make-jpeg "$WORK/query.jpg"
[ -f "$INDEX" ] || "$BIN/examples/bench_tool" make-index "$FRAMES" "$WORK/query.jpg" "$INDEX"
rm -f "$WORK"/server.db*

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== index: $FRAMES frames, $(du -h "$INDEX" | cut -f1)"
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || echo "(page cache not dropped: not root)"

start=$(date +%s%N)
RUST_LOG=warn "$BIN/server" --index "$INDEX" --database "$WORK/server.db" \
  --listen "127.0.0.1:$PORT" --no-guest-quota &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$PORT/api/health" | grep -q '"loaded":true'; do sleep 0.005; done
ready=$(date +%s%N)
echo "== start-up to healthy with the index loaded: $(( (ready - start) / 1000000 )) ms"
rss() { grep -E '^(VmRSS|RssAnon|RssFile)' "/proc/$PID/status" | tr -s ' \t' ' ' | paste -sd ' '; }
echo "== memory after start-up: $(rss)"

curl -sf -F "image=@$WORK/query.jpg" "http://127.0.0.1:$PORT/api/anime/search" | head -c 300; echo
BENCH_JPEG="$WORK/query.jpg" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency \
  -s server/benches/search.lua "http://127.0.0.1:$PORT/api/anime/search"
echo "== memory after the load: $(rss)"
kill -TERM $PID; wait $PID || true
trap - EXIT

"$BIN/examples/bench_tool" search-time "$INDEX" "$WORK/query.jpg" 50
