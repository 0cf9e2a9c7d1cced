#!/usr/bin/env bash
# The portal at http://127.0.0.1:5000 with the whole plan loaded.
#
#   scripts/portal.sh up      install (idempotent), start PostgreSQL/Redis/Solr, write
#                             .local/ckan.ini once, migrate the database, load the plan,
#                             start CKAN in the background and wait until it answers
#   scripts/portal.sh down    stop CKAN and the services (data is kept)
#   scripts/portal.sh status  what runs, where, and its memory
#   scripts/portal.sh reset   down, then delete all portal data (database, index, Redis)
#
# Environment: SAMPLE_PROGRESS=1 also loads the fictional sample progress (labelled as such);
# CKAN_PORT (default 5000); CKAN_WORKERS and CKAN_THREADS (gunicorn, default 2 x 4).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd -P)
STATE=$ROOT/.local/ckan
INI=$ROOT/.local/ckan.ini
PIDFILE=$STATE/ckan.pid
LOG=$STATE/ckan.log
WORKER_PIDFILE=$STATE/worker.pid
WORKER_LOG=$STATE/worker.log
CKAN_PORT=${CKAN_PORT:-5000}
CKAN=$ROOT/.venv/bin/ckan

say() { echo "portal.sh: $*"; }
die() { echo "portal.sh: ERROR: $*" >&2; exit 1; }

ckan_running() { [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
worker_running() { [[ -f $WORKER_PIDFILE ]] && kill -0 "$(cat "$WORKER_PIDFILE")" 2>/dev/null; }

# CKAN's background job worker (RQ): runs the heal job that catches the search index and the
# DataStore up after an interrupted write (ckanext/minato_plan/logic/consistency.py).
start_worker() {
  if worker_running; then
    say "job worker already running (pid $(cat "$WORKER_PIDFILE"))"
    return
  fi
  bash "$SCRIPT_DIR/redis.sh" release-scheduler-locks 0
  nohup "$CKAN" -c "$INI" jobs worker >"$WORKER_LOG" 2>&1 &
  echo $! > "$WORKER_PIDFILE"
}

stop_pid() {
  local pidfile=$1 name=$2
  if [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill "$(cat "$pidfile")"
    for _ in $(seq 1 50); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$(cat "$pidfile")" 2>/dev/null && kill -9 "$(cat "$pidfile")"
    say "$name stopped"
  else
    say "$name not running"
  fi
  rm -f "$pidfile"
}

# .local/ckan.ini is written from config/ckan.ini.in on every `up`, so template changes (new
# plugins, new options) always apply; the random secret is generated once and kept in
# .local/ckan.secret. Local changes go into config/ckan.ini.in or CKAN_* environment variables.
write_config() {
  mkdir -p "$STATE/storage"
  local secret_file=$ROOT/.local/ckan.secret
  if [[ ! -s $secret_file ]]; then
    (umask 077; head -c 32 /dev/urandom | base64 | tr -d '/+=' | cut -c1-40 > "$secret_file")
  fi
  local secret; secret=$(cat "$secret_file")
  (umask 077; sed -e "s|@SECRET_KEY@|$secret|g" -e "s|@ROOT@|$ROOT|g" \
    "$ROOT/config/ckan.ini.in" > "$INI.tmp")
  mv "$INI.tmp" "$INI"
}

cmd_up() {
  local t0=$SECONDS
  bash "$SCRIPT_DIR/install.sh"
  bash "$SCRIPT_DIR/services.sh" start
  write_config
  bash "$SCRIPT_DIR/ckan_init.sh" "$INI" "$STATE"
  start_worker
  if ckan_running; then
    say "CKAN already running (pid $(cat "$PIDFILE"))"
  else
    if (exec 3<>"/dev/tcp/127.0.0.1/$CKAN_PORT") 2>/dev/null; then
      die "port $CKAN_PORT is taken by another process; set CKAN_PORT to a free port"
    fi
    # gunicorn, as in production: several worker processes with threads, so that one request
    # waiting on a stalled service does not hold up the others.
    CKAN_INI=$INI nohup "$ROOT/.venv/bin/gunicorn" --chdir "$ROOT/config" \
      --bind "127.0.0.1:$CKAN_PORT" --workers "${CKAN_WORKERS:-2}" --threads "${CKAN_THREADS:-4}" \
      --timeout 120 --graceful-timeout 20 --access-logfile - wsgi:application >"$LOG" 2>&1 &
    echo $! > "$PIDFILE"
  fi
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$CKAN_PORT/api/3/action/status_show" >/dev/null 2>&1; then
      say "portal up at http://127.0.0.1:$CKAN_PORT (in $((SECONDS - t0)) s)"
      return
    fi
    ckan_running || { tail -n 40 "$LOG" >&2; die "CKAN exited (log: $LOG)"; }
    sleep 0.5
  done
  tail -n 40 "$LOG" >&2; die "CKAN did not answer within 60 s (log: $LOG)"
}

cmd_down() {
  stop_pid "$PIDFILE" CKAN
  stop_pid "$WORKER_PIDFILE" "job worker"
  bash "$SCRIPT_DIR/services.sh" stop
}

cmd_status() {
  local rc=0
  if ckan_running; then
    local pid; pid=$(cat "$PIDFILE")
    local rss; rss=$(ps -o rss= --pid "$pid" --ppid "$pid" | awk '{s += $1} END {printf "%.0f", s/1024}')
    say "CKAN (gunicorn, $(pgrep -c -P "$pid") workers) running at http://127.0.0.1:$CKAN_PORT (pid $pid, RSS of all processes $rss MB)"
  else
    say "CKAN not running"; rc=3
  fi
  if worker_running; then
    say "job worker running (pid $(cat "$WORKER_PIDFILE"))"
  else
    say "job worker not running"; rc=3
  fi
  bash "$SCRIPT_DIR/services.sh" status || rc=3
  if [[ $rc == 0 ]]; then  # datasets whose index entry or DataStore rows differ from the database
    "$CKAN" -c "$INI" minato-plan repair --check 2>/dev/null | sed 's/^/portal.sh: /' || rc=3
  fi
  return $rc
}

cmd_reset() {
  cmd_down
  bash "$SCRIPT_DIR/postgres.sh" reset
  bash "$SCRIPT_DIR/redis.sh" reset
  bash "$SCRIPT_DIR/solr.sh" reset
  rm -rf "$STATE" "$INI" "$ROOT/.local/ckan.secret"
  say "portal data deleted; 'scripts/portal.sh up' starts afresh"
}

case ${1:-status} in
  up|down|status|reset) "cmd_${1:-status}" ;;
  *) echo "usage: $0 {up|down|status|reset}" >&2; exit 2 ;;
esac
