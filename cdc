#!/usr/bin/env bash
# The cdc command line. Builds examples/target/cdc.jar when it is missing or older than the
# sources, then runs it: ./cdc demo | ./cdc convert ... | ./cdc load ... | ./cdc local (./cdc --help)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$root/examples/target/cdc.jar"

say() { echo "cdc: $*" >&2; }

stale() {
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$root" \( -name target -o -name node_modules -o -name .git \) -prune -o \
      \( -name pom.xml -o -path '*/src/main/*' \) -type f -newer "$jar" -print -quit)" ]
}

# Maven's own output goes to a log; the terminal gets one line per step. No colours (Maven's
# escape codes would land in whatever stdout is), whatever the terminal.
build() {
  local log="$root/target/cdc-build.log" started=$SECONDS
  mkdir -p "$root/target"
  if [ -f "$jar" ]; then
    say "sources changed: rebuilding the command line (log: ${log#"$root"/})"
  else
    say "first run: building the command line with Maven (log: ${log#"$root"/})"
  fi
  if ! (cd "$root" && ${CDC_MVN:-mvn} -B -Dstyle.color=never -DskipTests -Dspotless.check.skip=true \
      -pl examples -am package 2>&1) | tee "$log" | awk '
        /^\[INFO\] Downloading from / && !dl { print "cdc:   downloading Maven plugins and dependencies (first time only)..."; dl = 1; fflush() }
        match($0, /^\[INFO\] Building [^ ]+ [^ ]+ +\[[0-9]+\/[0-9]+\]$/) {
          n = split($0, w, " "); printf "cdc:   building %s %s\n", w[3], w[n]; fflush() }' >&2; then
    say "the build failed; its last lines (whole log: $log):"
    grep -E '^\[ERROR\]' "$log" | head -20 >&2 || tail -20 "$log" >&2
    exit 1
  fi
  say "built examples/target/cdc.jar in $((SECONDS - started)) s"
}

if [ -n "${CDC_JAR:-}" ]; then
  jar="$CDC_JAR" # a prebuilt jar (tests): no build
elif stale; then
  build
fi
exec java ${CDC_JAVA_OPTS:-} -jar "$jar" "$@"
