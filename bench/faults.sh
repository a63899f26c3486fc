#!/usr/bin/env bash
# Sending under faults, checked independently: starts PostgreSQL (embedded), Postfix smtp-sink saving every
# message and 1 or 3 Outreach nodes from app/target/outreach.jar; creates tenants, accounts and campaigns through
# the HTTP API; injects the scenario's fault; waits until every campaign is complete; then runs bench/Checker.java
# on what the sink received. Exits non-zero if any run lost a recipient, exceeded a limit or sent more duplicates
# than the fault allows.
#
#   bench/faults.sh --scenario kill --runs 5                 kill -9 of a random node mid-campaign, restart
#   bench/faults.sh --scenario kill-busiest --runs 5         kill -9 of the node hosting the busiest account
#   bench/faults.sh --scenario postgres --runs 5             PostgreSQL stopped mid-campaign, started again
#   bench/faults.sh --scenario smtp-faults --runs 5          the server answers 4xx/5xx/421 and hangs up, in phases
#   bench/faults.sh --help                                   every option
#
# Results: a line per run and a table at the end; each run's files (plan, recipients, sink dumps and log, node
# logs, checker report, notes) under bench/out/faults/<time>-<scenario>-<run>/, and the tables appended to
# bench/out/faults/results.md. Needs app/target/outreach.jar (mvn -B -q package -DskipTests) and
# /usr/sbin/smtp-sink (Debian package postfix). The first call compiles the test classes the harness lives in.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAR="$ROOT/app/target/outreach.jar"
CP_FILE="$ROOT/app/target/bench.classpath"

[[ -f "$JAR" ]] || { echo "faults.sh: $JAR not found; build it first: mvn -B -q package -DskipTests" >&2; exit 2; }
[[ -x /usr/sbin/smtp-sink ]] || { echo "faults.sh: /usr/sbin/smtp-sink not found: apt-get install postfix (see bench/README.md)" >&2; exit 2; }

if [[ ! -f "$CP_FILE" || ! -f "$ROOT/app/target/test-classes/outreach/app/e2e/SendingBench.class" \
      || -n "$(find "$ROOT/app/src/test/java/outreach/app/e2e" -newer "$CP_FILE" -name '*.java' | head -1)" ]]; then
  echo "faults.sh: compiling the harness (mvn test-compile)..." >&2
  mvn -B -q -pl app -am test-compile dependency:build-classpath \
      -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >&2
fi

ulimit -n 65536 2>/dev/null || true
exec java -Xmx1g -Dbasedir="$ROOT/app" -Doutreach.jar="$JAR" \
  -cp "$ROOT/app/target/test-classes:$ROOT/app/target/classes:$(cat "$CP_FILE")" \
  outreach.app.e2e.SendingBench "$@"
