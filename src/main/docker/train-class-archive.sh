#!/bin/sh
# Writes an AppCDS archive of the classes endpoints-guard loads while it starts: one start with
# -XX:ArchiveClassesAtExit that exits once started (-Dquarkus.appcds.generate=true). Without arguments the start is
# the chart's, the Kubernetes source, against an API server address that refuses connections (the client, informer and
# leader election classes load, nothing waits); with manifest files or directories it is the files source on them.
# The archive only works with the JVM build that wrote it (any other rejects it with a warning and starts without it),
# so run this with the JVM that will use it: Dockerfile.jvm runs it in the image, bench/start-time.sh on this machine.
# Certificates and other settings come from the environment as usual; a missing certificate only leaves its classes
# out of the archive.
#   train-class-archive.sh APP_JAR ARCHIVE [manifest file or directory...]
set -eu
jar=$1 archive=$2
shift 2
if [ $# -eq 0 ]; then
  export ENDPOINTS_GUARD_CLUSTER_SOURCE=kubernetes KUBERNETES_MASTER=https://127.0.0.1:1 \
    KUBERNETES_NAMESPACE="${KUBERNETES_NAMESPACE:-endpoints-guard}"
else
  files=$(printf '%s,' "$@")
  export ENDPOINTS_GUARD_CLUSTER_SOURCE=files ENDPOINTS_GUARD_CLUSTER_FILES="${files%,}"
fi
rm -f "$archive"
java -XX:ArchiveClassesAtExit="$archive" -Dquarkus.appcds.generate=true ${TRAINING_JAVA_OPTS:-} -jar "$jar" \
  > "$archive.log" 2>&1 || { cat "$archive.log" >&2; exit 1; }
[ -s "$archive" ] || { echo "train-class-archive.sh: no archive written (see $archive.log)" >&2; exit 1; }
rm -f "$archive.log"
