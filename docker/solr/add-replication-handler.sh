#!/usr/bin/env bash
# Adds the replication handler (docker/solr/replication-handler.xml) to a copy of the project's
# solrconfig.xml, just before its closing </config>. Run by docker/solr/Dockerfile on the
# configset it copies from tools/solr/conf; tools/solr/ itself is never changed. Idempotent.
#
#   add-replication-handler.sh SOLRCONFIG_XML HANDLER_XML
set -euo pipefail

die() { echo "add-replication-handler.sh: ERROR: $*" >&2; exit 1; }
[[ $# == 2 ]] || { echo "usage: $0 SOLRCONFIG_XML HANDLER_XML" >&2; exit 2; }
config=$1
handler=$2
[[ -f $config ]] || die "no such file: $config"
[[ -f $handler ]] || die "no such file: $handler"

if grep -q 'name="/replication"' "$config"; then
  echo "add-replication-handler.sh: $config already declares /replication"
  exit 0
fi
closing=$(grep -c '^[[:space:]]*</config>[[:space:]]*$' "$config" || true)
[[ $closing == 1 ]] || die "$config must end with one </config> line (found $closing)"

tmp=$config.tmp.$$
awk -v handler="$handler" '
  /^[[:space:]]*<\/config>[[:space:]]*$/ {
    while ((getline line < handler) > 0) print line
    close(handler)
  }
  { print }
' "$config" > "$tmp"
grep -q 'class="solr.ReplicationHandler"' "$tmp" || { rm -f "$tmp"; die "the handler did not make it into $config"; }
mv -f "$tmp" "$config"
echo "add-replication-handler.sh: /replication added to $config"
