#!/usr/bin/env bash
# The production topology of docker/compose.yaml (profile replicated-search) on this machine, all
# on 127.0.0.1, state under .local/cluster/:
#
#   nginx            127.0.0.1:5100   round robin over the web nodes (docker/nginx/ckan.conf)
#   web1, web2       127.0.0.1:5101, 5102   CKAN under gunicorn (config/wsgi.py), one ini
#   worker           CKAN's job worker (`ckan jobs worker`: the heal job)
#   solr-proxy       127.0.0.1:8995   in the same nginx: writes to the leader, reads from the
#                                     leader and, when it is down, the follower
#                                     (docker/nginx/solr-proxy.conf)
#   solr-leader      127.0.0.1:8993   Solr 9.10.1, takes every write   (scripts/solr.sh)
#   solr-follower    127.0.0.1:8994   copies the leader's index every 5 s
#   PostgreSQL, Redis  the project's own (scripts/postgres.sh, scripts/redis.sh; PG_PORT,
#                      REDIS_PORT), databases ckan_cluster and datastore_cluster, Redis db 2
#
#   scripts/cluster.sh up            install what is missing, start everything, migrate, load the
#                                    plan, wait until nginx and every node answer
#   scripts/cluster.sh down          stop everything it started (PostgreSQL and Redis too, unless
#                                    the `make up` portal still runs on them)
#   scripts/cluster.sh status        what runs, where, and its memory (RSS)
#   scripts/cluster.sh start NAME    start one part again (web1, web2, worker, nginx,
#                                    solr-leader, solr-follower)
#   scripts/cluster.sh stop NAME     stop one part (SIGTERM, as `down` does)
#   scripts/cluster.sh kill NAME     SIGKILL one part (its whole process group), for failure tests
#   scripts/cluster.sh env           the settings, as NAME=value lines (read by tests/cluster)
#   scripts/cluster.sh config        only write the CKAN ini and the nginx config (nginx -t)
#
# Environment: CLUSTER_PORT (nginx, 5100), CLUSTER_WEB_PORTS (one port per web node, "5101 5102"),
# CLUSTER_SOLR_LEADER_PORT (8993), CLUSTER_SOLR_FOLLOWER_PORT (8994), CLUSTER_SOLR_PROXY_PORT
# (8995), CLUSTER_SESSION_TYPE (redis | cookie, default redis), CKAN_WORKERS and CKAN_THREADS
# (gunicorn per node, 2 x 4), PG_PORT, REDIS_PORT, SAMPLE_PROGRESS=1, CLUSTER_INSTALL=0 (skip
# scripts/install.sh when the environment is known to be installed), CLUSTER_STATE (the state
# folder, default .local/cluster).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd -P)
STATE=${CLUSTER_STATE:-$ROOT/.local/cluster}
INI=$STATE/ckan.ini
CKAN=$ROOT/.venv/bin/ckan
NGINX=${NGINX:-/usr/sbin/nginx}

CLUSTER_PORT=${CLUSTER_PORT:-5100}
read -r -a WEB_PORTS <<<"${CLUSTER_WEB_PORTS:-5101 5102}"
SOLR_LEADER_PORT=${CLUSTER_SOLR_LEADER_PORT:-8993}
SOLR_FOLLOWER_PORT=${CLUSTER_SOLR_FOLLOWER_PORT:-8994}
SOLR_PROXY_PORT=${CLUSTER_SOLR_PROXY_PORT:-8995}
SESSION_TYPE=${CLUSTER_SESSION_TYPE:-redis}
PG_PORT=${PG_PORT:-5433}
REDIS_PORT=${REDIS_PORT:-6380}
export PG_PORT REDIS_PORT
DB=ckan_cluster
DATASTORE_DB=datastore_cluster
REDIS_DB=2

say() { echo "cluster.sh: $*"; }
die() { echo "cluster.sh: ERROR: $*" >&2; exit 1; }

((${#WEB_PORTS[@]} >= 1)) || die "CLUSTER_WEB_PORTS names no port"
for p in "$CLUSTER_PORT" "${WEB_PORTS[@]}" "$SOLR_LEADER_PORT" "$SOLR_FOLLOWER_PORT" "$SOLR_PROXY_PORT" "$PG_PORT" "$REDIS_PORT"; do
  [[ $p =~ ^[0-9]+$ ]] || die "ports must be numbers, got '$p'"
done
[[ $SESSION_TYPE == redis || $SESSION_TYPE == cookie ]] \
  || die "CLUSTER_SESSION_TYPE must be redis or cookie, got '$SESSION_TYPE'"

WEB_NAMES=()
for i in "${!WEB_PORTS[@]}"; do WEB_NAMES+=("web$((i + 1))"); done

# --- processes -----------------------------------------------------------------------------------

pidfile() { echo "$STATE/$1.pid"; }
running() { local f; f=$(pidfile "$1"); [[ -f $f ]] && kill -0 "$(cat "$f")" 2>/dev/null; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# spawn NAME COMMAND...: in a session of its own (the process group is the whole part: gunicorn's
# workers, RQ's work horse, nginx's workers), in the background, logging to NAME.log.
spawn() {
  local name=$1; shift
  CKAN_INI=$INI setsid nohup "$@" >>"$STATE/$name.log" 2>&1 </dev/null &
  echo $! > "$(pidfile "$name")"
}

# stop_group NAME: SIGTERM to the process group, SIGKILL after 20 s.
stop_group() {
  local name=$1 f pid
  f=$(pidfile "$name")
  if ! running "$name"; then rm -f "$f"; say "$name not running"; return 0; fi
  pid=$(cat "$f")
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid"; fi
  rm -f "$f"
  say "$name stopped"
}

# tree PID: PID and its descendants
tree() {
  local pids=("$1") i=0 kids
  while ((i < ${#pids[@]})); do
    kids=$(pgrep -P "${pids[$i]}" || true)
    # shellcheck disable=SC2206  # pids are numbers
    [[ -n $kids ]] && pids+=($kids)
    i=$((i + 1))
  done
  echo "${pids[*]}"
}

# rss PID: "RSS <total> MB" of PID and its descendants, with each process's share if several
rss() {
  local pids
  pids=$(tree "$1")
  ps -o rss= -p "${pids// /,}" | awk '{ mb = $1 / 1024; s += mb; each = each (NR > 1 ? " + " : "") sprintf("%.0f", mb) }
    END { printf "RSS %.0f MB", s; if (NR > 1) printf " (%s)", each }'
}

wait_http() { # URL SECONDS NAME
  local deadline=$((SECONDS + $2))
  until curl -fsS --max-time 5 "$1" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    if [[ -n ${3:-} ]] && ! running "$3"; then return 1; fi
    sleep 0.5
  done
}

# --- configuration -------------------------------------------------------------------------------

# .local/cluster/ckan.ini: the template of `make up` (config/ckan.ini.in) with the cluster's
# databases, Redis db, Solr proxy and site URL, Redis sessions, and one random secret kept in
# .local/cluster/ckan.secret. Every web node and the worker read this one file, so they share
# SECRET_KEY and WTF_CSRF_SECRET_KEY: sessions, CSRF tokens and flash messages work on any node.
# The check (tests/cluster/check.py) writes through the progress upload and reads the change back
# from every output, so its portal publishes staff's changes directly (the yearly review off;
# publication writes through the same transactional writer). REVIEW_ENABLED=true keeps the review.
REVIEW_ENABLED=${REVIEW_ENABLED:-false}

write_config() {
  mkdir -p "$STATE/storage"
  local secret_file=$STATE/ckan.secret secret overrides=$STATE/ckan.ini.overrides
  if [[ ! -s $secret_file ]]; then
    (umask 077; head -c 32 /dev/urandom | base64 | tr -d '/+=' | cut -c1-40 > "$secret_file")
  fi
  secret=$(cat "$secret_file")
  (umask 077; sed -e "s|@SECRET_KEY@|$secret|g" -e "s|@ROOT@|$ROOT|g" \
    "$ROOT/config/ckan.ini.in" > "$INI.tmp")
  cat > "$overrides" <<EOF
[app:main]
sqlalchemy.url = postgresql://ckan_default:ckan_default@127.0.0.1:$PG_PORT/$DB
ckan.datastore.write_url = postgresql://ckan_default:ckan_default@127.0.0.1:$PG_PORT/$DATASTORE_DB
ckan.datastore.read_url = postgresql://datastore_default:datastore_default@127.0.0.1:$PG_PORT/$DATASTORE_DB
solr_url = http://127.0.0.1:$SOLR_PROXY_PORT/solr/ckan
ckan.redis.url = redis://127.0.0.1:$REDIS_PORT/$REDIS_DB
ckan.site_url = http://127.0.0.1:$CLUSTER_PORT
ckan.storage_path = $STATE/storage
SESSION_TYPE = $SESSION_TYPE
ckanext.minato_plan.review.enabled = $REVIEW_ENABLED
EOF
  "$ROOT/.venv/bin/python" - "$INI.tmp" "$overrides" <<'PY' || die "writing $INI failed"
import sys
from ckan.lib import config_tool  # `ckan config-tool -f` without loading the plugins

config_tool.config_edit_using_merge_file(sys.argv[1], sys.argv[2])
PY
  rm -f "$overrides"
  mv "$INI.tmp" "$INI"
}

# nginx.conf: docker/nginx/ckan.conf and docker/nginx/solr-proxy.conf, the files of the
# containers, with the loopback addresses instead of Docker's service names (Debian's nginx 1.22
# has no `resolve`; the addresses here do not change).
write_nginx_config() {
  local dir=$STATE/nginx servers="" p
  [[ -x $NGINX ]] || die "$NGINX not found (Debian package nginx-light, see scripts/install.sh)"
  mkdir -p "$dir/tmp" "$dir/logs"
  for p in "${WEB_PORTS[@]}"; do servers+="    server 127.0.0.1:$p max_fails=2 fail_timeout=10s;\\n"; done
  # Comments are dropped (they describe the containers); the directives are kept as they are.
  sed -e '/^[[:space:]]*#/d' -e '/^resolver /d' \
      -e "s|^    server ckan:5000 .*|$servers|" \
      -e "s|listen 80 default_server;|listen 127.0.0.1:$CLUSTER_PORT default_server;|" \
      -e "s|include /etc/nginx/ckan-proxy.inc;|include $ROOT/docker/nginx/ckan-proxy.inc;|" \
      "$ROOT/docker/nginx/ckan.conf" > "$dir/ckan.conf"
  sed -e '/^[[:space:]]*#/d' -e '/^resolver /d' \
      -e "s|server solr:8983 resolve|server 127.0.0.1:$SOLR_LEADER_PORT|" \
      -e "s|server solr-follower:8983 resolve|server 127.0.0.1:$SOLR_FOLLOWER_PORT|" \
      -e "s|listen 8983;|listen 127.0.0.1:$SOLR_PROXY_PORT;|" \
      "$ROOT/docker/nginx/solr-proxy.conf" > "$dir/solr-proxy.conf"
  if grep -Eq '(^|[[:space:]])resolve([[:space:]]|;)|ckan:5000|solr(-follower)?:8983|/etc/nginx/' \
      "$dir/ckan.conf" "$dir/solr-proxy.conf"; then
    die "docker/nginx/*.conf changed in a way this script does not translate (see $dir)"
  fi
  cat > "$dir/nginx.conf" <<EOF
# Written by scripts/cluster.sh from docker/nginx/ckan.conf and docker/nginx/solr-proxy.conf.
worker_processes 2;
error_log $dir/logs/error.log warn;
pid $dir/nginx.pid;
events { worker_connections 1024; }
http {
    default_type application/octet-stream;
    log_format cluster '\$remote_addr [\$time_local] "\$request" \$status \$body_bytes_sent '
                       'upstream=\$upstream_addr upstream_status=\$upstream_status rt=\$request_time';
    access_log $dir/logs/access.log cluster;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    include $dir/ckan.conf;
    include $dir/solr-proxy.conf;
}
EOF
  "$NGINX" -t -q -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" \
    || die "nginx -t refused $dir/nginx.conf"
}

# --- parts ---------------------------------------------------------------------------------------

solr() { # ROLE solr.sh-subcommand...
  local role=$1; shift
  if [[ $role == leader ]]; then
    SOLR_STATE=$STATE/solr-leader SOLR_PORT=$SOLR_LEADER_PORT SOLR_REPLICATION=leader \
      bash "$SCRIPT_DIR/solr.sh" "$@"
  else
    SOLR_STATE=$STATE/solr-follower SOLR_PORT=$SOLR_FOLLOWER_PORT SOLR_REPLICATION=follower \
      SOLR_LEADER_URL=http://127.0.0.1:$SOLR_LEADER_PORT/solr/ckan bash "$SCRIPT_DIR/solr.sh" "$@"
  fi
}

solr_pid() { # ROLE
  local f=$STATE/solr-$1/solr.pid
  [[ -f $f ]] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"
}

start_nginx() {
  if running nginx; then say "nginx already running (pid $(cat "$(pidfile nginx)"))"; return; fi
  [[ -x $NGINX ]] || die "$NGINX not found (Debian package nginx-light, see scripts/install.sh)"
  for p in "$CLUSTER_PORT" "$SOLR_PROXY_PORT"; do
    port_in_use "$p" && die "port $p is taken by another process"
  done
  write_nginx_config
  spawn nginx "$NGINX" -p "$STATE/nginx" -c "$STATE/nginx/nginx.conf" \
    -e "$STATE/nginx/logs/error.log" -g "daemon off;"
  wait_http "http://127.0.0.1:$CLUSTER_PORT/nginx-health" 20 nginx \
    || { tail -n 20 "$STATE/nginx/logs/error.log" "$STATE/nginx.log" >&2; die "nginx did not start"; }
  say "nginx at http://127.0.0.1:$CLUSTER_PORT (Solr proxy http://127.0.0.1:$SOLR_PROXY_PORT/solr/ckan)"
}

start_worker() {
  if running worker; then say "worker already running (pid $(cat "$(pidfile worker)"))"; return; fi
  bash "$SCRIPT_DIR/redis.sh" release-scheduler-locks "$REDIS_DB"
  spawn worker "$CKAN" -c "$INI" jobs worker
  say "job worker started (pid $(cat "$(pidfile worker)"))"
}

# start_web NAME [nowait]
start_web() {
  local name=$1 port i
  for i in "${!WEB_NAMES[@]}"; do [[ ${WEB_NAMES[$i]} == "$name" ]] && port=${WEB_PORTS[$i]}; done
  [[ -n ${port:-} ]] || die "no web node named $name"
  if running "$name"; then say "$name already running (pid $(cat "$(pidfile "$name")"))"; return; fi
  port_in_use "$port" && die "port $port is taken by another process; set CLUSTER_WEB_PORTS"
  # gunicorn as `make up` runs it (scripts/portal.sh).
  spawn "$name" "$ROOT/.venv/bin/gunicorn" --chdir "$ROOT/config" \
    --bind "127.0.0.1:$port" --workers "${CKAN_WORKERS:-2}" --threads "${CKAN_THREADS:-4}" \
    --timeout 120 --graceful-timeout 20 --access-logfile - wsgi:application
  [[ ${2:-} == nowait ]] && return
  wait_web "$name" "$port"
}

wait_web() { # NAME PORT
  wait_http "http://127.0.0.1:$2/api/3/action/status_show" 120 "$1" \
    || { tail -n 40 "$STATE/$1.log" >&2; die "$1 did not answer on port $2 (log: $STATE/$1.log)"; }
  say "$1 at http://127.0.0.1:$2 (pid $(cat "$(pidfile "$1")"))"
}

# --- commands ------------------------------------------------------------------------------------

cmd_up() {
  local t0=$SECONDS name i
  mkdir -p "$STATE"
  [[ ${CLUSTER_INSTALL:-1} == 0 ]] || bash "$SCRIPT_DIR/install.sh"   # nginx-light among others
  bash "$SCRIPT_DIR/postgres.sh" start
  bash "$SCRIPT_DIR/postgres.sh" createdb "$DB"
  bash "$SCRIPT_DIR/postgres.sh" createdb "$DATASTORE_DB"
  bash "$SCRIPT_DIR/redis.sh" start
  solr leader start
  solr follower start
  write_config
  start_nginx
  bash "$SCRIPT_DIR/ckan_init.sh" "$INI" "$STATE"
  start_worker
  for name in "${WEB_NAMES[@]}"; do start_web "$name" nowait; done
  for i in "${!WEB_NAMES[@]}"; do wait_web "${WEB_NAMES[$i]}" "${WEB_PORTS[$i]}"; done
  wait_http "http://127.0.0.1:$CLUSTER_PORT/api/3/action/status_show" 30 \
    || die "nginx does not reach the web nodes"
  say "cluster up at http://127.0.0.1:$CLUSTER_PORT in $((SECONDS - t0)) s (${#WEB_NAMES[@]} web nodes, Solr leader and follower)"
}

cmd_down() {
  local name
  stop_group nginx
  for name in "${WEB_NAMES[@]}"; do stop_group "$name"; done
  stop_group worker
  solr follower stop
  solr leader stop
  local portal_pid=$ROOT/.local/ckan/ckan.pid
  if [[ -f $portal_pid ]] && kill -0 "$(cat "$portal_pid")" 2>/dev/null; then
    say "PostgreSQL and Redis left running: the make up portal uses them"
  else
    bash "$SCRIPT_DIR/redis.sh" stop
    bash "$SCRIPT_DIR/postgres.sh" stop
  fi
}

cmd_status() {
  local rc=0 name i pid
  for i in "${!WEB_NAMES[@]}"; do
    name=${WEB_NAMES[$i]}
    if running "$name"; then
      pid=$(cat "$(pidfile "$name")")
      say "$name running at http://127.0.0.1:${WEB_PORTS[$i]} (gunicorn pid $pid, $(pgrep -c -P "$pid") workers, $(rss "$pid"))"
    else
      say "$name not running"; rc=3
    fi
  done
  for name in worker nginx; do
    if running "$name"; then
      pid=$(cat "$(pidfile "$name")")
      say "$name running (pid $pid, $(rss "$pid"))"
    else
      say "$name not running"; rc=3
    fi
  done
  for name in leader follower; do
    if pid=$(solr_pid "$name"); then
      say "solr-$name running at port $( [[ $name == leader ]] && echo "$SOLR_LEADER_PORT" || echo "$SOLR_FOLLOWER_PORT") (pid $pid, $(rss "$pid"))"
    else
      say "solr-$name not running"; rc=3
    fi
  done
  bash "$SCRIPT_DIR/postgres.sh" status || rc=3
  bash "$SCRIPT_DIR/redis.sh" status || rc=3
  return $rc
}

cmd_config() {
  mkdir -p "$STATE"
  write_config
  write_nginx_config
  say "wrote $INI and $STATE/nginx/nginx.conf"
}

cmd_env() {
  echo "CLUSTER_URL=http://127.0.0.1:$CLUSTER_PORT"
  echo "CLUSTER_WEB_NAMES=${WEB_NAMES[*]}"
  echo "CLUSTER_WEB_URLS=$(for p in "${WEB_PORTS[@]}"; do printf 'http://127.0.0.1:%s ' "$p"; done | sed 's/ $//')"
  echo "CLUSTER_SOLR_LEADER_URL=http://127.0.0.1:$SOLR_LEADER_PORT/solr/ckan"
  echo "CLUSTER_SOLR_FOLLOWER_URL=http://127.0.0.1:$SOLR_FOLLOWER_PORT/solr/ckan"
  echo "CLUSTER_SOLR_PROXY_URL=http://127.0.0.1:$SOLR_PROXY_PORT/solr/ckan"
  echo "CLUSTER_INI=$INI"
  echo "CLUSTER_STATE=$STATE"
}

cmd_start() {
  case $1 in
    nginx) start_nginx ;;
    worker) start_worker ;;
    solr-leader) solr leader start ;;
    solr-follower) solr follower start ;;
    *) start_web "$1" ;;
  esac
}

cmd_stop() {
  case $1 in
    solr-leader) solr leader stop ;;
    solr-follower) solr follower stop ;;
    nginx|worker) stop_group "$1" ;;
    *) [[ " ${WEB_NAMES[*]} " == *" $1 "* ]] || die "no part named $1"; stop_group "$1" ;;
  esac
}

cmd_kill() {
  local pid
  case $1 in
    solr-leader|solr-follower)
      pid=$(solr_pid "${1#solr-}") || die "$1 is not running"
      kill -KILL "$pid" ;;
    *)
      running "$1" || die "$1 is not running"
      pid=$(cat "$(pidfile "$1")")
      kill -KILL -- "-$pid" ;;
  esac
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  say "$1 killed (pid $pid)"
}

case ${1:-status} in
  up|down|status|env|config) "cmd_${1:-status}" ;;
  start|stop|kill)
    [[ $# == 2 ]] || { echo "usage: $0 $1 NAME" >&2; exit 2; }
    "cmd_$1" "$2" ;;
  *) echo "usage: $0 {up|down|status|env|config|start NAME|stop NAME|kill NAME}" >&2; exit 2 ;;
esac
