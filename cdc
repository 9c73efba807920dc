#!/usr/bin/env bash
# The cdc command line. Builds examples/target/cdc.jar when it is missing or older than the
# sources, then runs it: ./cdc demo | ./cdc convert ... | ./cdc load ... (./cdc --help)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$root/examples/target/cdc.jar"

stale() {
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$root" \( -name target -o -name node_modules -o -name .git \) -prune -o \
      \( -name pom.xml -o -path '*/src/main/*' \) -type f -newer "$jar" -print -quit)" ]
}

if stale; then
  echo "cdc: building the command line (first run, or sources changed)..." >&2
  (cd "$root" && mvn -B -q -DskipTests -Dspotless.check.skip=true -pl examples -am package) >&2
fi
exec java ${CDC_JAVA_OPTS:-} -jar "$jar" "$@"
