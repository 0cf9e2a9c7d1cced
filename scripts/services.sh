#!/usr/bin/env bash
# All backing services of the portal, on 127.0.0.1 only, data under .local/:
#   PostgreSQL 15  127.0.0.1:5433   (scripts/postgres.sh)
#   Redis          127.0.0.1:6380   (scripts/redis.sh)
#   Solr 9.10.1    127.0.0.1:8983   (scripts/solr.sh)
#
#   scripts/services.sh start | stop | status | reset
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)

cmd=${1:-status}
case $cmd in
  start|reset)
    for s in postgres redis solr; do bash "$SCRIPT_DIR/$s.sh" "$cmd"; done ;;
  stop)
    for s in solr redis postgres; do bash "$SCRIPT_DIR/$s.sh" stop; done ;;
  status)
    rc=0
    for s in postgres redis solr; do bash "$SCRIPT_DIR/$s.sh" status || rc=3; done
    exit $rc ;;
  *) echo "usage: $0 {start|stop|status|reset}" >&2; exit 2 ;;
esac
