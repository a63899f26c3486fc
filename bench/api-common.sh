# Shared by bench/api-import.sh and bench/api-read.sh (sourced, not a command): one `dev` node of
# app/target/outreach.jar on its own ports and data folder, JSON calls to its API, the machine's
# description. Callers set NAME (their folder under bench/out/) before sourcing it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/bench/out/$NAME"
JAR="${OUTREACH_JAR:-$ROOT/app/target/outreach.jar}"
JAVA="${JAVA:-java}"
JAVA_OPTS="${OUTREACH_BENCH_JAVA_OPTS:--Xmx512m}"
TIMEOUT="${OUTREACH_BENCH_TIMEOUT:-180}"
HOST=127.0.0.1
NODE_PID=""
BASE=""
ADMIN_TOKEN=""

die() { echo "$NAME: $*" >&2; exit 1; }

require_tools() { # the jar and the commands the caller needs besides java and curl
  [[ -f "$JAR" ]] || die "$JAR not found: build it first with 'mvn -B -q package -DskipTests'"
  local tool
  for tool in "$JAVA" curl "$@"; do
    command -v "$tool" >/dev/null || die "'$tool' is needed and not on the PATH"
  done
}

machine() {
  echo "== machine"
  echo "date        $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu         $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
  echo "memory      $(free -g | awk '/^Mem:/ {print $2 " GB total, " $7 " GB available"}')"
  echo "java        $("$JAVA" -version 2>&1 | head -n 1)"
  echo "load        $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min averages before the run)"
}

# Starts `dev` on a new data folder: start_node HTTP_PORT MANAGEMENT_PORT METRICS_PORT [JVM option...].
# Environment for the node is taken from the caller (export OUTREACH_* before calling).
start_node() {
  local http="$1" management="$2" metrics="$3"
  shift 3
  rm -rf "$OUT/data"
  mkdir -p "$OUT/data"
  ADMIN_TOKEN="$(head -c 30 /dev/urandom | base64 | tr -d '=+/\n')"
  BASE="http://$HOST:$http"
  local shown="$JAVA_OPTS $*"
  echo "== node: java ${shown//$ROOT\//} -jar outreach.jar dev --port $http (management $management, metrics $metrics)," \
    "log bench/out/$NAME/node.log"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  OUTREACH_ADMIN_TOKEN="$ADMIN_TOKEN" OUTREACH_MANAGEMENT_PORT="$management" OUTREACH_METRICS_PORT="$metrics" \
    "$JAVA" $JAVA_OPTS "$@" -jar "$JAR" dev --data "$OUT/data" --port "$http" >"$OUT/node.log" 2>&1 </dev/null &
  NODE_PID=$!
  local deadline=$((SECONDS + TIMEOUT)) started=$SECONDS
  until [[ "$(curl -s -o /dev/null -m 3 -w '%{http_code}' "$BASE/health/ready" 2>/dev/null)" == 200 ]]; do
    if ! kill -0 "$NODE_PID" 2>/dev/null; then
      tail -n 20 "$OUT/node.log" >&2
      NODE_PID=""
      die "the node exited while starting (log above)"
    fi
    ((SECONDS < deadline)) || { tail -n 20 "$OUT/node.log" >&2; die "the node is not ready after ${TIMEOUT}s"; }
    sleep 1
  done
  echo "node ready after $((SECONDS - started)) s (pid $NODE_PID)"
}

stop_node() {
  [[ -n "$NODE_PID" ]] || return 0
  local i
  kill -TERM "$NODE_PID" 2>/dev/null || true
  for ((i = 0; i < 60; i++)); do
    kill -0 "$NODE_PID" 2>/dev/null || break
    sleep 1
  done
  kill -KILL "$NODE_PID" 2>/dev/null || true
  NODE_PID=""
}

# api METHOD PATH TOKEN [JSON]: prints the body of a 2xx answer, fails the benchmark on anything else.
# A 503 (an entity not answering in time on a busy machine) is retried; a create retried after one
# may then find what the first attempt made, so 409 counts as done on a retry.
api() {
  local method="$1" path="$2" token="$3" body="${4:-}" code attempt file="$OUT/answer.json"
  for ((attempt = 1; attempt <= 5; attempt++)); do
    if [[ -n "$body" ]]; then
      code="$(curl -s -m 60 -o "$file" -w '%{http_code}' -X "$method" "$BASE$path" -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' --data-binary "$body")" || code=000
    else
      code="$(curl -s -m 60 -o "$file" -w '%{http_code}' -X "$method" "$BASE$path" -H "Authorization: Bearer $token")" || code=000
    fi
    if [[ "$code" == 2* ]] || [[ "$code" == 409 && $attempt -gt 1 ]]; then
      cat "$file"
      return 0
    fi
    [[ "$code" == 503 ]] || break
    sleep 2
  done
  echo "$NAME: $method $path answered HTTP $code: $(head -c 500 "$file" 2>/dev/null)" >&2
  exit 1
}

# json_number FIELD: the first number-valued FIELD in the JSON on stdin.
json_number() {
  grep -o "\"$1\" *: *[0-9][0-9]*" | head -n 1 | grep -o '[0-9][0-9]*$'
}

# Creates a tenant and prints its API key.
new_tenant() {
  api POST /v1/tenants "$ADMIN_TOKEN" "{\"name\":\"$1\"}" | sed 's/.*"apiKey" *: *"\([^"]*\)".*/\1/'
}
