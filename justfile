# Tasks for developers and operators. `just --list` shows them.

set shell := ["bash", "-euo", "pipefail", "-c"]

# Everything CI checks: formatting, lints, the whole test suite (on SQLite),
# then the accounts and server suites again on PostgreSQL, beside a
# throwaway PostgreSQL server (scripts/with-postgres.sh).
test:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings
    scripts/with-postgres.sh bash -c 'cargo test --workspace && TEST_DATABASE=postgres cargo test -p accounts -p server'

# Build release binaries.
build:
    cargo build --release --workspace

# Generate a small sample library, index it, search one screenshot of it,
# then serve it. On a terminal the server keeps running (Ctrl-C stops it);
# otherwise (CI, scripts) the demo searches it once over HTTP and stops it.
demo: build
    #!/usr/bin/env bash
    set -euo pipefail
    mkdir -p data
    if [ ! -f data/sample-library/truth.json ]; then
        ./target/release/testkit library data/sample-library --profile small --anime 2 --episodes 2 --seconds 20
    fi
    ./target/release/indexer build data/sample-library -o data/index.bin
    ./target/release/indexer stats data/index.bin
    first=$(find data/sample-library -name '*.mkv' -o -name '*.mp4' | sort | head -n 1)
    ffmpeg -v error -y -ss 12 -i "$first" -frames:v 1 -q:v 5 data/sample-screenshot.jpg
    ./target/release/indexer query data/index.bin data/sample-screenshot.jpg
    search='curl -s -F image=@data/sample-screenshot.jpg http://127.0.0.1:8080/api/anime/search'
    if [ -t 1 ]; then
        echo "Serving data/index.bin on http://127.0.0.1:8080 (Ctrl-C stops): open it in a browser, or try:"
        echo "  $search"
        exec ./target/release/server --index data/index.bin --database data/server.db --library data/sample-library --listen 127.0.0.1:8080
    fi
    ./target/release/server --index data/index.bin --database data/server.db --library data/sample-library --listen 127.0.0.1:8080 &
    server=$!
    trap 'kill $server 2>/dev/null || true' EXIT
    for _ in $(seq 50); do curl -sf http://127.0.0.1:8080/api/health >/dev/null && break; sleep 0.2; done
    echo "$ $search"
    $search
    echo

# Accuracy of the query pipeline on generated footage; rewrites docs/ACCURACY.md.
eval *ARGS:
    cargo run --release -p bench --bin eval -- --write docs/ACCURACY.md {{ARGS}}

# Indexing speed against FFmpeg's own decoding, index size, memory; see docs/BENCHMARKS.md.
bench *ARGS:
    cargo build --release -p indexer
    cargo run --release -p bench --bin bench -- {{ARGS}}

# Search at 10^6, 10^7 and 10^8 frames against an exact scan: latency, recall,
# size, start-up, server memory; rewrites its section of docs/BENCHMARKS.md.
# `just bench-scale --frames 1e6` is the quick run.
bench-scale *ARGS:
    cargo build --release -p server
    cargo run --release -p bench --bin scale -- --write docs/BENCHMARKS.md {{ARGS}}

# The release server under HTTP load on a 10^6-frame index: searches/s and
# latency of 720p and 1080p JPEG uploads (and a 1080p one of footage not
# in the library) against the same searches made in-process, start-up,
# memory; rewrites its section of docs/BENCHMARKS.md.
# `--frames 1e7`, `--seconds 60` and `--connections 8` change the run.
# One build of both, so that reqwest is built once with the features of both.
bench-server *ARGS:
    cargo build --release -p server -p bench --bin server --bin server-load
    ./target/release/server-load --write docs/BENCHMARKS.md {{ARGS}}

# PNGs of the site's pages in docs/screenshots/ (headless Chromium on the
# real server with generated footage).
screenshots:
    cargo build --workspace
    cargo test -p e2e --test integration site::screenshots -- --ignored --exact

# What the database costs a search: the charge-and-log transaction on SQLite
# and on a throwaway PostgreSQL (scripts/with-postgres.sh), one caller at a
# time and several at once; rewrites its section of docs/BENCHMARKS.md.
bench-db *ARGS:
    cargo build --release -p bench --bin db-bench
    scripts/with-postgres.sh ./target/release/db-bench --write docs/BENCHMARKS.md {{ARGS}}

# Time to the first byte of preview stills and clips, cold and cached,
# beside ffmpeg cutting them by hand; rewrites its section of docs/BENCHMARKS.md.
bench-previews *ARGS:
    cargo build --release -p server -p indexer -p bench --bin server --bin indexer --bin preview-bench
    ./target/release/preview-bench --write docs/BENCHMARKS.md {{ARGS}}

# A minute of mixed load (uploads, URL searches, sign-ins, list pages)
# while `indexer build` adds an episode twice: 0 failures, exact charges.
bench-mixed *ARGS:
    cargo build --release -p server -p indexer -p bench --bin server --bin indexer --bin mixed-load
    ./target/release/mixed-load --write docs/BENCHMARKS.md {{ARGS}}
