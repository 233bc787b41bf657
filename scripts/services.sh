#!/usr/bin/env bash
# The stores the test suites and the benchmarks run against: PostgreSQL 15 on 127.0.0.1:5432
# (local connections trusted for user postgres) and Redis 7 on 127.0.0.1:6379 (no persistence).
#
#   npm run services            start them (the default): install from Debian's packages when
#                               missing, start, wait until both accept connections
#   npm run services -- status  say whether each one answers
#   npm run services -- stop    stop the servers this machine runs from its own packages
#
# The ports can be moved with SERVICES_PG_PORT and SERVICES_REDIS_PORT.
#
# Idempotent: a server that already answers (started earlier, or by the machine, or a CI
# service container) is only checked. Every failure names the server and the reason, and the
# script exits non-zero.
set -uo pipefail

PG_HOST=127.0.0.1
PG_PORT=${SERVICES_PG_PORT:-5432}
PG_VERSION=15
PG_CLUSTER=main
REDIS_HOST=127.0.0.1
REDIS_PORT=${SERVICES_REDIS_PORT:-6379}
WAIT_SECONDS=${SERVICES_WAIT_SECONDS:-30}
STATE_DIR=${SERVICES_STATE_DIR:-/tmp/railgraph-services}

say() { printf '  %-10s %s\n' "$1" "$2"; }
fail() {
  printf '  %-10s FAILED: %s\n' "$1" "$2" >&2
  exit 1
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"; else
    echo "needs root (or sudo) to run: $*" >&2
    return 1
  fi
}

apt_updated=0
apt_install() { # name, packages...
  local name=$1
  shift
  say "$name" "installing $* from Debian's packages"
  if [ "$apt_updated" = 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null ||
      fail "$name" "apt-get update failed"
    apt_updated=1
  fi
  # policy-rc.d 101: the packages' own start scripts stay quiet; this script starts the servers.
  as_root env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends "$@" \
    >/dev/null || fail "$name" "apt-get install $* failed"
}

# --- probes -------------------------------------------------------------------------------

# PostgreSQL answers as user postgres without a password over TCP (what the tests use).
pg_answers() {
  if command -v psql >/dev/null 2>&1; then
    psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -XAtqc 'select 1' >/dev/null 2>&1
  else
    (exec 3<>"/dev/tcp/$PG_HOST/$PG_PORT") 2>/dev/null
  fi
}

pg_why_not() {
  if ! (exec 3<>"/dev/tcp/$PG_HOST/$PG_PORT") 2>/dev/null; then
    echo "nothing accepts connections on $PG_HOST:$PG_PORT"
  else
    psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -XAtqc 'select 1' 2>&1 | head -n 1
  fi
}

# Redis answers PING with PONG (plain RESP over bash's /dev/tcp: no client needed).
redis_answers() {
  local reply=""
  {
    exec 3<>"/dev/tcp/$REDIS_HOST/$REDIS_PORT" &&
      printf 'PING\r\n' >&3 &&
      IFS= read -r -t 3 reply <&3
    exec 3>&- 3<&-
  } 2>/dev/null
  [ "${reply%$'\r'}" = "+PONG" ]
}

wait_for() { # name, probe
  local deadline=$((SECONDS + WAIT_SECONDS))
  until "$2"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

pg_version_line() {
  local version
  version=$(psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -XAtqc 'show server_version' 2>/dev/null)
  echo "${version:-version unknown}"
}
redis_version_line() { # INFO server over /dev/tcp: no client needed
  local line version=""
  {
    exec 3<>"/dev/tcp/$REDIS_HOST/$REDIS_PORT" && printf 'INFO server\r\n' >&3 &&
      while IFS= read -r -t 3 line <&3; do
        case "$line" in redis_version:*)
          version=${line#redis_version:}
          version=${version%$'\r'}
          break
          ;;
        esac
      done
    exec 3>&- 3<&-
  } 2>/dev/null
  echo "${version:-version unknown}"
}

# --- PostgreSQL ----------------------------------------------------------------------------

PG_CONF_DIR=/etc/postgresql/$PG_VERSION/$PG_CLUSTER
PG_HBA=$PG_CONF_DIR/pg_hba.conf
HBA_MARK='# railgraph: local connections of user postgres are trusted (development and CI only)'

pg_configure() {
  [ -f "$PG_HBA" ] || fail PostgreSQL "no cluster $PG_VERSION/$PG_CLUSTER ($PG_HBA is missing)"
  local changed=0
  if ! grep -qF "$HBA_MARK" "$PG_HBA"; then
    local tmp
    tmp=$(mktemp)
    {
      echo "$HBA_MARK"
      echo 'local   all  postgres                 trust'
      echo 'host    all  postgres  127.0.0.1/32   trust'
      echo 'host    all  postgres  ::1/128        trust'
      cat "$PG_HBA"
    } >"$tmp"
    as_root install -o postgres -g postgres -m 0640 "$tmp" "$PG_HBA" || fail PostgreSQL "cannot write $PG_HBA"
    rm -f "$tmp"
    changed=1
  fi
  local conf=$PG_CONF_DIR/conf.d/railgraph.conf
  local want="listen_addresses = '$PG_HOST'
port = $PG_PORT
max_connections = 300"
  if [ "$(cat "$conf" 2>/dev/null)" != "$want" ]; then
    printf '%s\n' "$want" | as_root tee "$conf" >/dev/null || fail PostgreSQL "cannot write $conf"
    changed=1
  fi
  [ "$changed" = 0 ] || say PostgreSQL "configured: trust for user postgres on $PG_HOST:$PG_PORT ($PG_CONF_DIR)"
  return "$changed"
}

pg_start() {
  if pg_answers; then
    say PostgreSQL "already answers on $PG_HOST:$PG_PORT (PostgreSQL $(pg_version_line)): nothing to do"
    return
  fi
  if [ ! -x "/usr/lib/postgresql/$PG_VERSION/bin/postgres" ]; then
    apt_install PostgreSQL "postgresql-$PG_VERSION" postgresql-client-common "postgresql-client-$PG_VERSION"
  fi
  command -v pg_ctlcluster >/dev/null 2>&1 || fail PostgreSQL "pg_ctlcluster is missing after the install"
  if [ ! -d "$PG_CONF_DIR" ]; then
    say PostgreSQL "creating cluster $PG_VERSION/$PG_CLUSTER"
    as_root pg_createcluster "$PG_VERSION" "$PG_CLUSTER" >/dev/null || fail PostgreSQL "pg_createcluster failed"
  fi
  pg_configure
  local reconfigured=$?
  local status
  status=$(as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" status >/dev/null 2>&1 && echo online || echo down)
  if [ "$status" = online ]; then
    if [ "$reconfigured" = 1 ]; then
      say PostgreSQL "restarting cluster $PG_VERSION/$PG_CLUSTER with the new settings"
      as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" restart || fail PostgreSQL "restart failed (see /var/log/postgresql/)"
    fi
  else
    say PostgreSQL "starting cluster $PG_VERSION/$PG_CLUSTER"
    as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start ||
      fail PostgreSQL "pg_ctlcluster start failed: $(tail -n 3 "/var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log" 2>/dev/null | tr '\n' ' ')"
  fi
  wait_for PostgreSQL pg_answers || fail PostgreSQL "not answering on $PG_HOST:$PG_PORT after ${WAIT_SECONDS}s: $(pg_why_not)"
  say PostgreSQL "answers on $PG_HOST:$PG_PORT (PostgreSQL $(pg_version_line))"
}

pg_stop() {
  if command -v pg_ctlcluster >/dev/null 2>&1 && as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" status >/dev/null 2>&1; then
    as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop -m fast || fail PostgreSQL "stop failed"
    say PostgreSQL "stopped cluster $PG_VERSION/$PG_CLUSTER"
  elif pg_answers; then
    say PostgreSQL "answers on $PG_HOST:$PG_PORT but is not this machine's cluster $PG_VERSION/$PG_CLUSTER: left alone"
  else
    say PostgreSQL "not running"
  fi
}

# --- Redis ---------------------------------------------------------------------------------

REDIS_PIDFILE=$STATE_DIR/redis.pid
REDIS_LOG=$STATE_DIR/redis.log

redis_start() {
  if redis_answers; then
    say Redis "already answers on $REDIS_HOST:$REDIS_PORT (Redis $(redis_version_line)): nothing to do"
    return
  fi
  command -v redis-server >/dev/null 2>&1 || apt_install Redis redis-server redis-tools
  mkdir -p "$STATE_DIR" || fail Redis "cannot create $STATE_DIR"
  say Redis "starting redis-server on $REDIS_HOST:$REDIS_PORT (no persistence; log $REDIS_LOG)"
  redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" --save '' --appendonly no \
    --dir "$STATE_DIR" --pidfile "$REDIS_PIDFILE" --logfile "$REDIS_LOG" ||
    fail Redis "redis-server did not start: $(tail -n 3 "$REDIS_LOG" 2>/dev/null | tr '\n' ' ')"
  wait_for Redis redis_answers ||
    fail Redis "not answering PING on $REDIS_HOST:$REDIS_PORT after ${WAIT_SECONDS}s: $(tail -n 3 "$REDIS_LOG" 2>/dev/null | tr '\n' ' ')"
  say Redis "answers on $REDIS_HOST:$REDIS_PORT (Redis $(redis_version_line))"
}

redis_stop() {
  if [ -f "$REDIS_PIDFILE" ] && kill -0 "$(cat "$REDIS_PIDFILE")" 2>/dev/null; then
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill "$(cat "$REDIS_PIDFILE")"
    say Redis "stopped"
  elif redis_answers; then
    say Redis "answers on $REDIS_HOST:$REDIS_PORT but was not started by this script: left alone"
  else
    say Redis "not running"
  fi
}

# --- commands ------------------------------------------------------------------------------

status() {
  local ok=0
  if pg_answers; then say PostgreSQL "answers on $PG_HOST:$PG_PORT (PostgreSQL $(pg_version_line))"; else
    say PostgreSQL "DOWN: $(pg_why_not)"
    ok=1
  fi
  if redis_answers; then say Redis "answers on $REDIS_HOST:$REDIS_PORT (Redis $(redis_version_line))"; else
    say Redis "DOWN: nothing answers PING on $REDIS_HOST:$REDIS_PORT"
    ok=1
  fi
  return "$ok"
}

case "${1:-start}" in
  start)
    echo "services: PostgreSQL $PG_VERSION and Redis on 127.0.0.1"
    pg_start
    redis_start
    ;;
  stop)
    echo "services: stopping"
    redis_stop
    pg_stop
    ;;
  status)
    echo "services:"
    status
    ;;
  *)
    echo "usage: npm run services [-- start|stop|status]" >&2
    exit 2
    ;;
esac
