#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL server: a new cluster made
# with initdb in a temporary folder, listening on 127.0.0.1 at a free port,
# removed when the command ends. The command sees its address in
# TEST_POSTGRES_URL, its data folder in TEST_POSTGRES_DATA, and the CA that
# signed its TLS certificate (for 127.0.0.1 and localhost) in
# TEST_POSTGRES_CA (testkit::database). As root the cluster runs as the
# `postgres` user, as PostgreSQL refuses to run as root.
#
#   scripts/with-postgres.sh cargo test -p server
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "with-postgres: PostgreSQL's server programs are missing (scripts/setup.sh installs the postgresql package)" >&2
  exit 2
fi

dir=$(mktemp -d /tmp/test-postgres.XXXXXX)
as=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$dir"
  as=(setpriv --reuid=postgres --regid=postgres --clear-groups)
fi
# A throwaway CA and a server certificate it signs, so that tests can
# check encrypted and verified connections.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=test-postgres-ca" \
  -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
  -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/san.ext"
openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
  -days 2 -extfile "$dir/san.ext" -out "$dir/server.crt" 2>/dev/null
chmod 600 "$dir/server.key"
[ "$(id -u)" -eq 0 ] && chown postgres: "$dir"/server.* "$dir"/ca.*

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
  "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

"${as[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 2; }
"${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 -c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 2; }

export TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
export TEST_POSTGRES_DATA="$dir/data"
export TEST_POSTGRES_CA="$dir/ca.crt"
status=0
"$@" || status=$?
exit $status
