#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine that has Rust: installs what is
# missing (FFmpeg development libraries, clang, pkg-config, ffmpeg, just,
# Python's venv and the third-party trace.moe client the end-to-end tests
# drive, headless Chromium and its WebDriver for the site's tests,
# PostgreSQL's server programs and nginx for the replica tests), then runs
# the demo on built-in sample data unless --no-demo is given.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(ffmpeg libavcodec-dev libavformat-dev libavutil-dev libswscale-dev
  libavfilter-dev libavdevice-dev clang libclang-dev pkg-config python3 python3-venv
  chromium chromium-driver postgresql nginx-light openssl)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
fi
command -v cargo >/dev/null 2>&1 || { echo "setup: Rust is needed (https://rustup.rs)"; exit 2; }
if ! command -v just >/dev/null 2>&1; then
  echo "setup: installing just"
  cargo install just --locked --quiet
fi

# The trace.moe client library the end-to-end tests point at the server.
venv=tests/.venv
if ! "$venv/bin/python" -c 'import aiotracemoeapi' >/dev/null 2>&1; then
  echo "setup: installing aiotracemoeapi into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'aiotracemoeapi==4.0.1'
fi

if [ "${1:-}" != "--no-demo" ]; then
  just demo
fi
