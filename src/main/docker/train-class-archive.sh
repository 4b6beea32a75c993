#!/bin/sh
# Writes an AppCDS archive of the classes endpoints-guard loads while it starts: one start with
# -XX:ArchiveClassesAtExit that exits once started (-Dquarkus.appcds.generate=true), on the cluster view of the given
# manifest files (none: an empty view). The archive only works with the JVM build that wrote it (any other rejects it
# with a warning and starts without it), so run this with the JVM that will use it: Dockerfile.jvm runs it in the
# image, bench/start-time.sh on this machine. Certificates and other settings come from the environment as usual; a
# missing certificate only leaves its classes out of the archive.
#   train-class-archive.sh APP_JAR ARCHIVE [manifest file or directory...]
set -eu
jar=$1 archive=$2
shift 2
empty=
if [ $# -eq 0 ]; then
  empty=$(mktemp -d)
  set -- "$empty"
fi
files=$(printf '%s,' "$@")
rm -f "$archive"
ENDPOINTS_GUARD_CLUSTER_SOURCE=files ENDPOINTS_GUARD_CLUSTER_FILES=${files%,} \
  java -XX:ArchiveClassesAtExit="$archive" -Dquarkus.appcds.generate=true ${TRAINING_JAVA_OPTS:-} -jar "$jar" \
  > "$archive.log" 2>&1 || { cat "$archive.log" >&2; exit 1; }
[ -z "$empty" ] || rmdir "$empty"
[ -s "$archive" ] || { echo "train-class-archive.sh: no archive written (see $archive.log)" >&2; exit 1; }
rm -f "$archive.log"
