# shellcheck shell=bash
# Sourced, not run: `. .ci/pg-up.sh` exports DATABASE_URL and defines pg_stop (a no-op unless this file started a
# server). Safe under `set -euo pipefail`; on failure it returns non-zero (which ends a `set -e` caller).
#
# Order: $DATABASE_URL if it answers; else the machine's server on 127.0.0.1:5432 (trust auth, started before the
# session on this project's machines); else a throwaway cluster on 127.0.0.1:${PG_PORT:-55432} (the next free port if
# that one is taken), installing Debian's postgresql first when there is none.
# PG_PROBE_URL overrides the 5432 probe (point it at a dead port to exercise the throwaway path).

pg_ok() { PGCONNECT_TIMEOUT=3 psql "$1" -Atqc 'select 1' </dev/null >/dev/null 2>&1; }
pg_stop() { :; }

pg__install() {
  apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=120 postgresql </dev/null >/dev/null
}

# shellcheck disable=SC2012 # fixed Debian paths, no odd names
pg__bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true; }

# True when something accepts TCP connections on 127.0.0.1:$1.
pg__port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pg__start_throwaway() {
  local as_pg=() port
  PG_BIN=$(pg__bin)
  if [ -z "$PG_BIN" ]; then
    pg__install || { echo "pg-up: could not install postgresql" >&2; return 1; }
    PG_BIN=$(pg__bin)
    [ -n "$PG_BIN" ] || { echo "pg-up: postgresql installed but no /usr/lib/postgresql/*/bin" >&2; return 1; }
  fi
  port=${PG_PORT:-55432}
  while pg__port_busy "$port"; do
    port=$((port + 1))
    [ "$port" -lt "$((${PG_PORT:-55432} + 50))" ] || { echo "pg-up: no free port from ${PG_PORT:-55432}" >&2; return 1; }
  done
  PG_TMP=$(mktemp -d /tmp/pgtest.XXXXXX)
  # initdb refuses to run as root.
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$PG_TMP"
    as_pg=(runuser -u postgres --)
  fi
  PG_AS=("${as_pg[@]}")
  # cd: postgres may not be allowed into the caller's directory (a clone under /root, say).
  if ! (cd "$PG_TMP" && "${as_pg[@]}" "$PG_BIN/initdb" -D "$PG_TMP/data" -U postgres -A trust -E UTF8 --no-locale >"$PG_TMP/initdb.log" 2>&1); then
    echo "pg-up: initdb failed:" >&2
    cat "$PG_TMP/initdb.log" >&2 || true
    rm -rf "$PG_TMP"
    return 1
  fi
  if ! (cd "$PG_TMP" && "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/log" -w -t 60 \
    -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null 2>&1); then
    echo "pg-up: postgres did not start on port $port:" >&2
    tail -20 "$PG_TMP/log" >&2 || true
    (cd / && "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate stop >/dev/null 2>&1) || true
    rm -rf "$PG_TMP"
    return 1
  fi
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  # Idempotent: the EXIT trap may call it after an explicit call.
  pg_stop() {
    [ -n "${PG_TMP:-}" ] && [ -d "$PG_TMP" ] || return 0
    (cd / && "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast -w -t 30 stop >/dev/null 2>&1) || true
    rm -rf "$PG_TMP"
    PG_TMP=
  }
}

pg__up() {
  command -v psql >/dev/null || pg__install || { echo "pg-up: could not install postgresql" >&2; return 1; }
  local probe=${PG_PROBE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
  if [ -n "${DATABASE_URL:-}" ] && pg_ok "$DATABASE_URL"; then
    export DATABASE_URL
  elif pg_ok "$probe"; then
    export DATABASE_URL="$probe"
  else
    pg__start_throwaway || return 1
    pg_ok "$DATABASE_URL" || { echo "pg-up: started postgres does not answer at $DATABASE_URL" >&2; pg_stop; return 1; }
  fi
  echo "postgres: $DATABASE_URL" >&2
}

pg__up
