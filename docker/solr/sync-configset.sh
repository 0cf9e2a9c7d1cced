# shellcheck shell=bash
# Sourced by the Solr image's run-initdb (docker/solr/Dockerfile installs it in
# /docker-entrypoint-initdb.d) before Solr starts. `solr-precreate` copies the configset into the
# core only when it creates the core; on every later start the core's conf is refreshed from the
# image here, so a new image brings its schema to an existing index. Documents indexed before a
# schema change keep their old analysis until they are reindexed (docker/README.md, Upgrade).
# It runs in a subshell: a sourced script must not exit the entrypoint or change its options.
(
  set -eu
  core_conf=${SOLR_HOME:-/var/solr/data}/ckan/conf
  image_conf=/opt/solr/server/solr/configsets/ckan/conf
  if [ -d "$core_conf" ]; then
    cp -R "$image_conf/." "$core_conf/"
    echo "sync-configset.sh: core ckan conf refreshed from $image_conf"
  fi
)
