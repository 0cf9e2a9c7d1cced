#!/usr/bin/env bash
# Local Apache Solr 9.10.1 for CKAN (core "ckan"), assembled from Maven Central jars.
#
#   scripts/solr.sh fetch    resolve the jars once with Maven (tools/solr/pom.xml)
#   scripts/solr.sh prepare  (re)write the solr home .local/solr/home/ (keeps index data)
#   scripts/solr.sh reload   prepare, then reload core "ckan" in the running Solr (no restart)
#   scripts/solr.sh configsets  write only the configsets "ja" and "stock" (for extra cores)
#   scripts/solr.sh start    fetch+prepare, start in the background, wait for ping OK
#   scripts/solr.sh stop     SIGTERM (30 s grace), SIGKILL as last resort
#   scripts/solr.sh restart  stop + start
#   scripts/solr.sh status   exit 0 if running, 3 if not
#   scripts/solr.sh reset    stop, then delete the core's index data
# Several subcommands may be given in a row, e.g. `scripts/solr.sh reset start`.
#
# Environment:
#   SOLR_PORT           port on 127.0.0.1 (default 8983)
#   SOLR_SCHEMA         schema of core "ckan": "ja" (default, tools/solr/schema-ja.xml: Kuromoji
#                       + CJK bigrams), "stock" (CKAN's own schema.xml) or a schema.xml path
#   PYTHON              python whose `ckan` provides the stock schema (default .venv/bin/python)
#   SOLR_START_TIMEOUT  seconds to wait for ping OK (default 120)
#   SOLR_JAVA_OPTS      extra JVM options, appended (e.g. -Xmx1g)
#   SOLR_STATE          folder of this instance's solr home, logs and pid (default .local/solr);
#                       a second Solr on the same checkout needs its own, and its own SOLR_PORT
#                       (the jar set in .local/solr is shared)
#   SOLR_REPLICATION    "" (default, standalone), "leader" or "follower": classic replication with
#                       the handler of the Docker image (docker/solr/replication-handler.xml)
#   SOLR_LEADER_URL     a follower's leader core, e.g. http://127.0.0.1:8993/solr/ckan
#   SOLR_POLL_INTERVAL  how often a follower polls its leader (default 00:00:05)
#
# CKAN setting: solr_url = http://127.0.0.1:${SOLR_PORT}/solr/ckan
# Configsets .local/solr/home/configsets/{ja,stock}/conf let tools create extra cores with either
# schema through CoreAdmin (CREATE ...&configSet=stock), e.g. bench/search_relevance.py.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd -P)

SOLR_VERSION=9.10.1
SOLR_HOST=127.0.0.1
SOLR_PORT=${SOLR_PORT:-8983}
CORE=ckan
START_TIMEOUT=${SOLR_START_TIMEOUT:-120}
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}

TOOLS=$ROOT/tools/solr
JARS=$ROOT/.local/solr
STATE=${SOLR_STATE:-$JARS}
LIB=$JARS/lib-$SOLR_VERSION
LAUNCHER_DIR=$JARS/launcher-$SOLR_VERSION
SOLR_HOME=$STATE/home
LOG_DIR=$STATE/logs
PIDFILE=$STATE/solr.pid
LAUNCHER_CLASS=SolrLauncher

REPLICATION=${SOLR_REPLICATION:-}
POLL_INTERVAL=${SOLR_POLL_INTERVAL:-00:00:05}
REPLICATION_HANDLER=$ROOT/docker/solr/replication-handler.xml

[[ $SOLR_PORT =~ ^[0-9]+$ ]] || { echo "solr.sh: SOLR_PORT must be a number, got '$SOLR_PORT'" >&2; exit 2; }
case $REPLICATION in
  ""|leader) ;;
  follower)
    [[ ${SOLR_LEADER_URL:-} =~ ^http://[^/]+/solr/$CORE$ ]] \
      || { echo "solr.sh: a follower needs SOLR_LEADER_URL=http://HOST:PORT/solr/$CORE, got '${SOLR_LEADER_URL:-}'" >&2; exit 2; } ;;
  *) echo "solr.sh: SOLR_REPLICATION must be empty, leader or follower, got '$REPLICATION'" >&2; exit 2 ;;
esac

say() { echo "solr.sh: $*"; }
die() { echo "solr.sh: ERROR: $*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
core_url() { echo "http://$SOLR_HOST:$1/solr/$CORE"; }

# --- process helpers -------------------------------------------------------------------

# Is $1 a live (non-zombie) JVM running our launcher on our solr home?
is_ours() {
  local pid=$1 cmd
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  cmd=$(tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null) || return 1
  grep -qx "$LAUNCHER_CLASS" <<<"$cmd" && grep -qx -- "-Dsolr.solr.home=$SOLR_HOME" <<<"$cmd"
}

# Print the pid from the pidfile if it is our running Solr; remove a stale pidfile.
our_pid() {
  local pid
  [[ -f $PIDFILE ]] || return 1
  pid=$(tr -dc '0-9' < "$PIDFILE")
  if is_ours "$pid"; then echo "$pid"; return 0; fi
  rm -f "$PIDFILE"
  return 1
}

# Port the running instance was started with (read from its command line).
pid_port() {
  tr '\0' '\n' < "/proc/$1/cmdline" | sed -n 's/^-Dckan\.solr\.port=//p' | head -n1
}

# Live (non-zombie) process?
alive() {
  local st
  st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [[ -n $st && $st != Z ]]
}

rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"; }

ping_ok() {
  curl -fsS --max-time 3 "$(core_url "$1")/admin/ping?wt=json" 2>/dev/null \
    | grep -Eq '"status" *: *"OK"'
}

port_in_use() { (exec 3<>"/dev/tcp/$SOLR_HOST/$1") 2>/dev/null; }

show_logs() {
  local f n
  for f in "$LOG_DIR/console.log:40" "$LOG_DIR/solr.log:20"; do
    n=${f##*:} f=${f%:*}
    [[ -s $f ]] || continue
    echo "----- tail -n $n $f -----" >&2
    tail -n "$n" "$f" >&2
  done
}

# --- fetch -----------------------------------------------------------------------------

# The launcher and the configset's query parser (tools/solr/plugins/*.java, named in
# solrconfig.xml) compiled against the jar set, into the launcher's classpath folder; again
# whenever a source is newer than the last build.
build_launcher() {
  local stamp=$LAUNCHER_DIR/.built tmp src stale=0
  local -a sources=("$TOOLS/$LAUNCHER_CLASS.java" "$TOOLS"/plugins/*.java)
  [[ -f $stamp ]] || stale=1
  for src in "${sources[@]}"; do [[ $src -nt $stamp ]] && stale=1; done
  [[ $stale -eq 1 ]] || return 0
  command -v javac >/dev/null || die "javac not found (a JDK 17+ is required to compile ${sources[*]})"
  tmp=$LAUNCHER_DIR.tmp
  rm -rf "$tmp" && mkdir -p "$tmp"
  javac -nowarn -encoding UTF-8 --release 17 -cp "$LIB/*" -d "$tmp" "${sources[@]}" \
    || die "compiling ${sources[*]} failed"
  touch "$tmp/.built"
  rm -rf "$LAUNCHER_DIR" && mv "$tmp" "$LAUNCHER_DIR"
  say "compiled $LAUNCHER_CLASS and the query parser plugins -> ${LAUNCHER_DIR#"$ROOT"/}"
}

cmd_fetch() {
  if [[ ! -f $LIB/.complete ]]; then
    command -v mvn >/dev/null || die "Maven (mvn) not found; it is needed once to fetch the Solr jars"
    local tmp=$LIB.partial mvnlog=$JARS/maven.log t0 n
    mkdir -p "$JARS"
    rm -rf "$tmp"
    say "fetching Solr $SOLR_VERSION jars from Maven Central (log: ${mvnlog#"$ROOT"/}) ..."
    t0=$(now)
    if ! mvn -B -ntp -f "$TOOLS/pom.xml" dependency:copy-dependencies \
        "-Dsolr.lib.dir=$tmp" >"$mvnlog" 2>&1; then
      grep -E '^\[(ERROR|WARNING)\]' "$mvnlog" | head -n 30 >&2 || tail -n 30 "$mvnlog" >&2
      rm -rf "$tmp"
      die "Maven could not resolve org.apache.solr:solr-core:$SOLR_VERSION (is Maven Central reachable? proxy/settings in ~/.m2/settings.xml?). Full log: $mvnlog"
    fi
    n=$(find "$tmp" -maxdepth 1 -name '*.jar' | wc -l)
    [[ $n -gt 0 ]] || die "Maven succeeded but copied no jars into $tmp"
    if ls "$tmp" | grep -Ei '^(logback-|commons-logging-|log4j-1)' >&2; then
      die "unwanted logging jars in the jar set (see above); fix the exclusions in tools/solr/pom.xml"
    fi
    rm -rf "$LIB" && mv "$tmp" "$LIB"
    date -u +%FT%TZ > "$LIB/.complete"
    say "fetched $n jars ($(du -sh "$LIB" | cut -f1)) in $(since "$t0") s"
  fi
  build_launcher
}

# --- prepare ---------------------------------------------------------------------------

CHANGED=0
sync_file() { # src dst: copy only if content differs (keeps mtimes stable)
  if ! cmp -s "$1" "$2"; then
    mkdir -p "$(dirname "$2")"
    cp "$1" "$2.tmp.$$" && chmod 0644 "$2.tmp.$$" && mv -f "$2.tmp.$$" "$2"
    CHANGED=1
  fi
}

stock_schema() {
  [[ -x $PYTHON ]] || die "python not found at $PYTHON (set PYTHON=... or SOLR_SCHEMA=...)"
  "$PYTHON" -c 'import ckan, pathlib; print(pathlib.Path(ckan.__file__).parent / "config" / "solr" / "schema.xml")' \
    || die "could not import ckan with $PYTHON (set PYTHON=... or SOLR_SCHEMA=...)"
}

# schema_file NAME: "ja" | "stock" | a path -> the schema.xml file
schema_file() {
  case $1 in
    ja) echo "$TOOLS/schema-ja.xml" ;;
    stock) stock_schema ;;
    *) echo "$1" ;;
  esac
}

# write_conf DIR SCHEMA [SOLRCONFIG]: tools/solr/conf/* plus SCHEMA as DIR/schema.xml, and
# SOLRCONFIG (if given) instead of tools/solr/conf/solrconfig.xml
write_conf() {
  local dir=$1 schema=$2 solrconfig=${3:-} f rel
  [[ -f $schema ]] || die "schema file not found: $schema"
  mkdir -p "$dir"
  while IFS= read -r -d '' f; do             # everything under tools/solr/conf/
    rel=${f#"$TOOLS/conf/"}
    if [[ $rel == solrconfig.xml && -n $solrconfig ]]; then f=$solrconfig; fi
    sync_file "$f" "$dir/$rel"
  done < <(find "$TOOLS/conf" -type f -print0)
  sync_file "$schema" "$dir/schema.xml"
}

# The project's solrconfig.xml with the Docker image's replication handler (off unless the
# -Dsolr.replication.* options of cmd_start turn it on), written into STATE; prints its path.
replication_solrconfig() {
  local out=$STATE/solrconfig-replication.xml
  cp "$TOOLS/conf/solrconfig.xml" "$out.tmp"
  bash "$ROOT/docker/solr/add-replication-handler.sh" "$out.tmp" "$REPLICATION_HANDLER" >/dev/null \
    || die "adding the replication handler to solrconfig.xml failed"
  mv -f "$out.tmp" "$out"
  echo "$out"
}

cmd_configsets() {
  local c
  for c in ja stock; do
    write_conf "$SOLR_HOME/configsets/$c/conf" "$(schema_file "$c")"
  done
}

cmd_prepare() {
  local schema name solrconfig=""
  schema=$(schema_file "${SOLR_SCHEMA:-ja}")
  [[ -f $schema ]] || die "schema file not found: $schema"
  CHANGED=0
  mkdir -p "$SOLR_HOME/$CORE/conf" "$LOG_DIR"
  sync_file "$TOOLS/solr.xml" "$SOLR_HOME/solr.xml"
  if [[ -n $REPLICATION ]]; then solrconfig=$(replication_solrconfig); fi
  write_conf "$SOLR_HOME/$CORE/conf" "$schema" "$solrconfig"
  printf 'name=%s\n' "$CORE" > "$STATE/core.properties.new"
  sync_file "$STATE/core.properties.new" "$SOLR_HOME/$CORE/core.properties"
  rm -f "$STATE/core.properties.new"
  name=$(grep -o '<schema name="[^"]*"' "$SOLR_HOME/$CORE/conf/schema.xml" | head -n1 | cut -d'"' -f2)
  say "solr home ready: ${SOLR_HOME#"$ROOT"/} (core '$CORE', schema '${name:-?}' from $schema)"
  local core_changed=$CHANGED
  cmd_configsets
  if [[ $core_changed == 1 && ${RELOADING:-0} != 1 ]] && our_pid >/dev/null; then
    say "note: Solr is running; config changed, run 'scripts/solr.sh reload' to apply it"
  fi
}

# Reload core "ckan" with its (re)prepared conf while Solr keeps running. The index is kept;
# documents indexed before a schema change keep their old analysis until they are reindexed
# (ckan search-index rebuild).
cmd_reload() {
  local pid port body
  RELOADING=1 cmd_prepare
  pid=$(our_pid) || die "Solr is not running; 'scripts/solr.sh start' installs the conf"
  port=$(pid_port "$pid")
  body=$(curl -sS --max-time 120 "http://$SOLR_HOST:$port/solr/admin/cores?action=RELOAD&core=$CORE&wt=json") \
    || die "CoreAdmin RELOAD of '$CORE' failed (no answer)"
  grep -Eq '"status" *: *0' <<<"$body" || { echo "$body" >&2; die "CoreAdmin RELOAD of '$CORE' failed"; }
  ping_ok "$port" || die "core '$CORE' does not answer ping after the reload"
  say "reloaded core '$CORE' at $(core_url "$port")"
}

# --- start / stop ----------------------------------------------------------------------

# wait_ready PID PORT T0: poll ping until OK; on JVM death or timeout print logs, exit 1.
wait_ready() {
  local pid=$1 port=$2 t0=$3 deadline=$((SECONDS + START_TIMEOUT))
  while :; do
    if ping_ok "$port"; then
      say "Solr $SOLR_VERSION ready at $(core_url "$port") (pid $pid, started in $(since "$t0") s, RSS $(rss_mb "$pid") MB)"
      return 0
    fi
    if ! alive "$pid"; then
      echo "solr.sh: ERROR: the Solr JVM (pid $pid) exited during startup" >&2
      show_logs
      rm -f "$PIDFILE"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      echo "solr.sh: ERROR: Solr not ready after ${START_TIMEOUT}s (ping $(core_url "$port")/admin/ping); stopping it" >&2
      show_logs
      cmd_stop >&2 || true
      exit 1
    fi
    sleep 0.25
  done
}

cmd_start() {
  local pid port t0 java_opts
  if pid=$(our_pid); then
    port=$(pid_port "$pid")
    [[ $port == "$SOLR_PORT" ]] \
      || die "Solr from this checkout is already running on port $port (pid $pid); stop it first"
    if ping_ok "$port"; then
      say "already running at $(core_url "$port") (pid $pid), nothing to do"
      return 0
    fi
    say "Solr (pid $pid) is up but not answering yet; waiting"
    wait_ready "$pid" "$port" "$(now)"
    return 0
  fi
  if port_in_use "$SOLR_PORT"; then
    if ping_ok "$SOLR_PORT"; then
      die "port $SOLR_PORT is taken by a Solr with a '$CORE' core that this script did not start; stop it or use SOLR_PORT=<other>"
    fi
    die "port $SOLR_HOST:$SOLR_PORT is already in use by another process; free it or use SOLR_PORT=<other>"
  fi

  cmd_fetch
  cmd_prepare
  command -v java >/dev/null || die "java not found (JDK/JRE 17+ required)"
  java_opts=(
    -Xms256m -Xmx512m -Xss256k
    -Dfile.encoding=UTF-8
    -Duser.timezone=UTC
    -Djava.awt.headless=true
    # Solr's bin/solr adds this on Java 17+ (SOLR-16463, caffeine JIT crash)
    -XX:CompileCommand=exclude,com.github.benmanes.caffeine.cache.BoundedLocalCache::put
    "-Dsolr.solr.home=$SOLR_HOME"
    "-Dsolr.log.dir=$LOG_DIR"
    "-Dlog4j2.configurationFile=file:$TOOLS/log4j2.xml"
    "-Djetty.port=$SOLR_PORT"
    "-Dckan.solr.host=$SOLR_HOST"
    "-Dckan.solr.port=$SOLR_PORT"
    "-Dckan.solr.core=$CORE"
  )
  case $REPLICATION in
    leader) java_opts+=(-Dsolr.replication.leader=true) ;;
    # Solr refuses a leaderUrl outside solr.allowUrls. Its HTTP/2 client cannot talk to the
    # launcher's HTTP/1.1 Jetty: the follower fetches over HTTP/1.1.
    follower) java_opts+=(-Dsolr.replication.follower=true "-Dsolr.replication.leaderUrl=$SOLR_LEADER_URL"
                          "-Dsolr.replication.pollInterval=$POLL_INTERVAL"
                          "-Dsolr.allowUrls=${SOLR_LEADER_URL%/solr/*}" -Dsolr.http1=true) ;;
  esac
  if [[ -n ${SOLR_JAVA_OPTS:-} ]]; then
    # shellcheck disable=SC2206  # intentional word splitting of user-supplied options
    java_opts+=($SOLR_JAVA_OPTS)
  fi

  say "starting Solr $SOLR_VERSION${REPLICATION:+ ($REPLICATION)} on $SOLR_HOST:$SOLR_PORT (logs: ${LOG_DIR#"$ROOT"/}/)"
  t0=$(now)
  (cd "$STATE" && exec nohup java "${java_opts[@]}" -cp "$LAUNCHER_DIR:$LIB/*" "$LAUNCHER_CLASS" \
      >"$LOG_DIR/console.log" 2>&1 </dev/null) &
  pid=$!
  echo "$pid" > "$PIDFILE"
  wait_ready "$pid" "$SOLR_PORT" "$t0"
}

cmd_stop() {
  local pid t0 i
  if ! pid=$(our_pid); then
    say "not running"
    return 0
  fi
  t0=$(now)
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 120; i++)); do   # 120 x 0.25 s = 30 s
    is_ours "$pid" || break
    sleep 0.25
  done
  if is_ours "$pid"; then
    say "Solr (pid $pid) did not stop within 30 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do is_ours "$pid" || break; sleep 0.25; done
  fi
  rm -f "$PIDFILE"
  say "stopped (pid $pid, $(since "$t0") s)"
}

cmd_status() {
  local pid port
  if pid=$(our_pid); then
    port=$(pid_port "$pid")
    if ping_ok "$port"; then
      say "running: $(core_url "$port") pid $pid RSS $(rss_mb "$pid") MB (ping OK)"
    else
      say "running: $(core_url "$port") pid $pid RSS $(rss_mb "$pid") MB (ping NOT OK yet)"
    fi
    return 0
  fi
  say "not running ($(core_url "$SOLR_PORT"))"
  return 3
}

cmd_reset() {
  cmd_stop
  rm -rf "${SOLR_HOME:?}/$CORE/data"
  say "deleted index data of core '$CORE' (${SOLR_HOME#"$ROOT"/}/$CORE/data)"
}

usage() {
  sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"
}

[[ $# -gt 0 ]] || { usage; exit 2; }
for cmd in "$@"; do
  case $cmd in
    fetch) cmd_fetch ;;
    prepare) cmd_prepare ;;
    configsets) CHANGED=0; mkdir -p "$SOLR_HOME"; cmd_configsets ;;
    reload) cmd_reload ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_stop; cmd_start ;;
    status) cmd_status ;;
    reset) cmd_reset ;;
    -h|--help|help) usage ;;
    *) echo "solr.sh: unknown subcommand '$cmd'" >&2; usage >&2; exit 2 ;;
  esac
done
