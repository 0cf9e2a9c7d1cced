#!/usr/bin/env bash
# Project-local Redis (Debian's redis-server): 127.0.0.1:${REDIS_PORT:-6380}, data in .local/redis/.
# CKAN uses db 0 for the portal and db 1 for the tests.
#
#   scripts/redis.sh start | stop | status | reset
#   scripts/redis.sh release-scheduler-locks DB   delete RQ's scheduler locks in db DB; for the
#       scripts that start a job worker, only when no worker of that db runs: a worker killed with
#       SIGKILL leaves its lock for 61 s, and a new worker asks for it again only after 120 s, so
#       scheduled jobs (the heal job's retries) would wait up to three minutes
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd -P)
REDIS_PORT=${REDIS_PORT:-6380}
STATE=$ROOT/.local/redis
PIDFILE=$STATE/redis.pid

say() { echo "redis.sh: $*"; }
die() { echo "redis.sh: ERROR: $*" >&2; exit 1; }

command -v redis-server >/dev/null || die "redis-server is not installed; run scripts/install.sh"

cli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }
running() { [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && [[ $(cli ping 2>/dev/null) == PONG ]]; }

cmd_start() {
  local t0=$SECONDS
  if running; then say "already running on 127.0.0.1:$REDIS_PORT"; return; fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null; then
    die "port $REDIS_PORT is taken by another process; set REDIS_PORT to a free port"
  fi
  mkdir -p "$STATE"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
    --dir "$STATE" --dbfilename dump.rdb --save 300 10 --appendonly no \
    --daemonize yes --pidfile "$PIDFILE" --logfile "$STATE/redis.log" \
    || die "redis-server did not start (log: $STATE/redis.log)"
  for _ in $(seq 1 50); do
    [[ $(cli ping 2>/dev/null) == PONG ]] && { say "started on 127.0.0.1:$REDIS_PORT in $((SECONDS - t0)) s"; return; }
    sleep 0.1
  done
  tail -n 20 "$STATE/redis.log" >&2; die "redis did not answer PING within 5 s"
}

cmd_stop() {
  if running; then
    cli shutdown >/dev/null 2>&1 || kill "$(cat "$PIDFILE")"
    for _ in $(seq 1 50); do [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break; sleep 0.1; done
    rm -f "$PIDFILE"; say "stopped"
  else
    say "not running"
  fi
}

cmd_status() {
  if running; then
    local pid; pid=$(cat "$PIDFILE")
    say "running on 127.0.0.1:$REDIS_PORT (pid $pid, RSS $(awk '/^VmRSS:/ {printf "%.0f", $2/1024}' /proc/"$pid"/status) MB)"
  else
    say "not running"; return 3
  fi
}

cmd_reset() { cmd_stop; rm -rf "$STATE"; say "data deleted"; }

cmd_release_scheduler_locks() {
  local db=$1 key n=0
  [[ $db =~ ^[0-9]+$ ]] || die "release-scheduler-locks needs a database number, got '$db'"
  running || return 0
  while IFS= read -r key; do
    [[ -n $key ]] || continue
    cli -n "$db" del "$key" >/dev/null && n=$((n + 1))
  done < <(cli -n "$db" --scan --pattern 'rq:scheduler-lock:*')
  ((n == 0)) || say "released $n scheduler lock(s) left by a stopped job worker (db $db)"
}

[[ $# -gt 0 ]] || set -- status
if [[ $1 == release-scheduler-locks ]]; then
  cmd_release_scheduler_locks "${2:-}"
  exit 0
fi
for cmd in "$@"; do
  case $cmd in
    start|stop|status|reset) "cmd_$cmd" ;;
    *) echo "usage: $0 {start|stop|status|reset}" >&2; exit 2 ;;
  esac
done
