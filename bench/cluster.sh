#!/usr/bin/env bash
# Runs a local Outreach cluster of N `node` processes from app/target/outreach.jar on 127.0.0.1.
#
#   bench/cluster.sh start [N]    start N nodes (default 3) and wait until all are ready and Up
#   bench/cluster.sh stop         SIGTERM every node (graceful: leave, hand shards over), wait
#   bench/cluster.sh kill N       SIGKILL node N (no shutdown at all)
#   bench/cluster.sh restart N    stop node N if it runs, start it again with the same ports, wait
#   bench/cluster.sh status       pid, readiness and the members each node sees
#
# Nodes are numbered 1..N; node n uses remoting 2551+i, HTTP 8080+i, management 8558+i and
# metrics 9095+i with i = n-1. Every node gets the same contact-point list (all management ports).
#
# PostgreSQL is not started here: set OUTREACH_DB_URL (and OUTREACH_DB_USER, OUTREACH_DB_PASSWORD)
# to a running server. OUTREACH_MASTER_KEY and OUTREACH_ADMIN_TOKEN are taken from the environment
# or generated once into bench/out/master.key and bench/out/admin.token and reused.
# Pids and logs go to bench/out/ (git-ignored). See bench/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/bench/out"
JAR="${OUTREACH_JAR:-$ROOT/app/target/outreach.jar}"
JAVA="${JAVA:-java}"
JAVA_OPTS="${OUTREACH_BENCH_JAVA_OPTS:--Xmx512m}"
TIMEOUT="${OUTREACH_BENCH_TIMEOUT:-180}"
HOST=127.0.0.1

die() { echo "cluster.sh: $*" >&2; exit 1; }

usage() {
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

remote_port() { echo $((2551 + $1 - 1)); }
http_port() { echo $((8080 + $1 - 1)); }
management_port() { echo $((8558 + $1 - 1)); }
metrics_port() { echo $((9095 + $1 - 1)); }

size() {
  [[ -f "$OUT/size" ]] || die "no cluster started yet (bench/out/size missing): run 'bench/cluster.sh start [N]'"
  cat "$OUT/size"
}

# The pid of node n if that process runs (and is an outreach jar), else nothing.
pid_of() {
  local file="$OUT/node-$1.pid" pid
  [[ -f "$file" ]] || return 0
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    if [[ -r "/proc/$pid/cmdline" ]] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'outreach'; then
      return 0 # the pid was reused by another program
    fi
    echo "$pid"
  fi
}

contact_points() {
  local n="$1" i list=""
  for ((i = 1; i <= n; i++)); do
    list+="${list:+,}$HOST:$(management_port "$i")"
  done
  echo "$list"
}

secret() { # name, file, generator command
  local value="${!1:-}"
  if [[ -n "$value" ]]; then echo "$value"; return; fi
  if [[ ! -s "$2" ]]; then
    (umask 077; eval "$3" >"$2")
  fi
  tr -d '\n' <"$2"
}

http_code() {
  curl -s -o /dev/null -m 3 -w '%{http_code}' "$1" 2>/dev/null || true
}

members() { # node n: its /cluster/members JSON (empty when it does not answer)
  curl -s -m 3 "http://$HOST:$(management_port "$1")/cluster/members" 2>/dev/null || true
}

up_count() { # members JSON: how many members are Up
  grep -o '"status" *: *"Up"' <<<"$1" | wc -l | tr -d ' '
}

all_reachable() { # members JSON: true when no member is unreachable
  grep -q '"unreachable" *: *\[ *\]' <<<"$1"
}

launch() {
  local n="$1" total="$2"
  [[ -n "$(pid_of "$n")" ]] && die "node $n already runs (pid $(pid_of "$n"))"
  local key token
  key="$(secret OUTREACH_MASTER_KEY "$OUT/master.key" 'head -c32 /dev/urandom | base64')"
  token="$(secret OUTREACH_ADMIN_TOKEN "$OUT/admin.token" 'head -c32 /dev/urandom | base64 | tr -d "=+/" | cut -c1-40')"
  echo "=== cluster.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) start node $n" >>"$OUT/node-$n.log"
  (
    export OUTREACH_NODE_HOST="$HOST"
    export OUTREACH_REMOTE_PORT="$(remote_port "$n")"
    export OUTREACH_HTTP_PORT="$(http_port "$n")"
    export OUTREACH_MANAGEMENT_PORT="$(management_port "$n")"
    export OUTREACH_METRICS_PORT="$(metrics_port "$n")"
    export OUTREACH_CONTACT_POINTS="$(contact_points "$total")"
    export OUTREACH_DB_URL OUTREACH_DB_USER="${OUTREACH_DB_USER:-}" OUTREACH_DB_PASSWORD="${OUTREACH_DB_PASSWORD:-}"
    export OUTREACH_MASTER_KEY="$key" OUTREACH_ADMIN_TOKEN="$token"
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
    nohup "$JAVA" $JAVA_OPTS -jar "$JAR" node >>"$OUT/node-$n.log" 2>&1 </dev/null &
    echo $! >"$OUT/node-$n.pid"
  )
  echo "node $n: pid $(cat "$OUT/node-$n.pid"), http $(http_port "$n"), management $(management_port "$n"), log bench/out/node-$n.log"
}

# Waits until every running node is ready and sees all running nodes Up.
await_up() {
  local total="$1" deadline=$((SECONDS + TIMEOUT)) n running ok view
  while :; do
    running=0 ok=0
    for ((n = 1; n <= total; n++)); do
      [[ -n "$(pid_of "$n")" ]] || continue
      running=$((running + 1))
    done
    for ((n = 1; n <= total; n++)); do
      [[ -n "$(pid_of "$n")" ]] || continue
      view="$(members "$n")"
      if [[ "$(http_code "http://$HOST:$(http_port "$n")/health/ready")" == 200 && "$(up_count "$view")" == "$running" ]] &&
        all_reachable "$view"; then
        ok=$((ok + 1))
      fi
    done
    if ((running > 0 && ok == running)); then
      echo "$running node(s) ready and Up"
      return 0
    fi
    if ((running == 0)); then
      die "no node is running; see the logs in bench/out/"
    fi
    if ((SECONDS >= deadline)); then
      echo "cluster.sh: not ready after ${TIMEOUT}s ($ok of $running ready and Up); last log lines:" >&2
      for ((n = 1; n <= total; n++)); do
        echo "--- node $n" >&2
        tail -n 15 "$OUT/node-$n.log" >&2 || true
      done
      exit 1
    fi
    sleep 1
  done
}

stop_node() {
  local n="$1" pid i
  pid="$(pid_of "$n")"
  if [[ -z "$pid" ]]; then
    rm -f "$OUT/node-$n.pid"
    return 0
  fi
  kill -TERM "$pid"
  for ((i = 0; i < 60; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "node $n (pid $pid) still runs 60 s after SIGTERM: SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$OUT/node-$n.pid"
  echo "node $n stopped"
}

node_arg() {
  local n="${1:-}" total
  [[ "$n" =~ ^[0-9]+$ ]] || die "name a node number"
  total="$(size)"
  ((n >= 1 && n <= total)) || die "no node $n; nodes are 1..$total"
  echo "$n"
}

require_db() {
  [[ -n "${OUTREACH_DB_URL:-}" ]] ||
    die "set OUTREACH_DB_URL (and OUTREACH_DB_USER, OUTREACH_DB_PASSWORD) to a running PostgreSQL, e.g. jdbc:postgresql://127.0.0.1:5432/outreach"
  [[ -f "$JAR" ]] || die "$JAR not found: build it with 'mvn -B -q package -DskipTests'"
  command -v curl >/dev/null || die "curl is needed"
}

cmd="${1:-}"
mkdir -p "$OUT"
case "$cmd" in
  start)
    total="${2:-3}"
    [[ "$total" =~ ^[0-9]+$ ]] && ((total >= 1)) || die "N must be a positive number"
    require_db
    if [[ -f "$OUT/size" ]]; then
      for ((n = 1; n <= $(cat "$OUT/size"); n++)); do
        [[ -z "$(pid_of "$n")" ]] || die "node $n still runs: 'bench/cluster.sh stop' first"
      done
    fi
    echo "$total" >"$OUT/size"
    for ((n = 1; n <= total; n++)); do launch "$n" "$total"; done
    await_up "$total"
    echo "admin token: $(secret OUTREACH_ADMIN_TOKEN "$OUT/admin.token" true)"
    ;;
  stop)
    total="$(size)"
    for ((n = total; n >= 1; n--)); do stop_node "$n"; done
    ;;
  kill)
    n="$(node_arg "${2:-}")"
    pid="$(pid_of "$n")"
    [[ -n "$pid" ]] || die "node $n does not run"
    kill -KILL "$pid"
    rm -f "$OUT/node-$n.pid"
    echo "=== cluster.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) SIGKILL node $n" >>"$OUT/node-$n.log"
    echo "node $n (pid $pid) killed with SIGKILL"
    ;;
  restart)
    n="$(node_arg "${2:-}")"
    require_db
    stop_node "$n"
    launch "$n" "$(size)"
    await_up "$(size)"
    ;;
  status)
    total="$(size)"
    for ((n = 1; n <= total; n++)); do
      pid="$(pid_of "$n")"
      if [[ -z "$pid" ]]; then
        echo "node $n: not running (http $(http_port "$n"), management $(management_port "$n"))"
      else
        view="$(members "$n")"
        reach="none unreachable"
        all_reachable "$view" || reach="some unreachable"
        echo "node $n: pid $pid, http $(http_port "$n") ready=$(http_code "http://$HOST:$(http_port "$n")/health/ready"), management $(management_port "$n") sees $(up_count "$view") member(s) Up, $reach"
      fi
    done
    ;;
  -h | --help | help) usage 0 ;;
  *) usage 2 >&2 ;;
esac
