#!/usr/bin/env bash
# Read latency benchmark: GET /v1/campaigns/{id} and GET /v1/campaigns/{id}/deliveries?limit=50 at a
# constant request rate, against a campaign that has really sent its recipients to an SMTP server.
#
#   bench/api-read.sh [RATE [SECONDS]]     defaults: 200 requests a second, 60 s per endpoint
#
# Starts Postfix's smtp-sink on 127.0.0.1:12525 (bench/smtp-sink.sh, instance api-read) and its own node
# (java -Xmx512m -jar app/target/outreach.jar dev, API on 127.0.0.1:18081, management 18559, metrics
# 19096, data in bench/out/api-read/). Through the API it creates a tenant, four accounts on the sink and
# a campaign, uploads API_READ_RECIPIENTS realistic recipients (default 10000, over some 3,600 domains),
# starts the campaign and waits until every recipient is sent and the deliveries read model shows it.
# Then bench/ApiLoad.java (open loop, latency from each request's due time) requests each endpoint at
# RATE a second: a 10 s warm-up that is not counted, then SECONDS measured; GET /health/alive first, as
# a baseline of what the machine itself adds (it does no API work), and the node's GC pauses in each
# measured window from its GC log. Target: p99 under 20 ms and no errors. The node's request rate limit is raised for the run (OUTREACH_RATE_LIMIT, burst by system
# property) so that it is not what is measured, and the global send limit is off so the campaign
# finishes quickly. Stops everything it started on exit. Exit status 1 when a request failed or the
# setup did, 0 otherwise (PASS or FAIL is printed). See bench/README.md.
set -euo pipefail

NAME=api-read
# shellcheck source=bench/api-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/api-common.sh"

RATE="${1:-200}"
DURATION="${2:-60}"
WARMUP=10
RECIPIENTS="${API_READ_RECIPIENTS:-10000}"
ACCOUNTS=4
HTTP_PORT="${API_READ_HTTP_PORT:-18081}"
MANAGEMENT_PORT="${API_READ_MANAGEMENT_PORT:-18559}"
METRICS_PORT="${API_READ_METRICS_PORT:-19096}"
SINK_PORT="${API_READ_SINK_PORT:-12525}"
SINK="$ROOT/bench/smtp-sink.sh"
SEND_TIMEOUT="${API_READ_SEND_TIMEOUT:-1800}"
TARGET_P99_MS=20

[[ "$RATE" =~ ^[0-9]+$ ]] && ((RATE > 0)) || die "RATE must be a positive number of requests a second"
[[ "$DURATION" =~ ^[0-9]+$ ]] && ((DURATION > 0)) || die "SECONDS must be a positive number"
[[ "$RECIPIENTS" =~ ^[0-9]+$ ]] && ((RECIPIENTS > 0)) || die "API_READ_RECIPIENTS must be a positive number"
require_tools
[[ -x "${SMTP_SINK:-/usr/sbin/smtp-sink}" ]] ||
  die "smtp-sink not found: apt-get install postfix (preseed 'postfix postfix/main_mailer_type select No configuration')"
mkdir -p "$OUT"
sink_started=""
cleanup() {
  stop_node
  [[ -z "$sink_started" ]] || "$SINK" stop api-read >/dev/null || true
}
trap cleanup EXIT

machine

echo "== setup"
CSV="$OUT/recipients-$RECIPIENTS.csv"
[[ -s "$CSV" ]] || "$JAVA" "$ROOT/bench/ApiImport.java" csv "$RECIPIENTS" "$CSV"
"$SINK" start api-read "$SINK_PORT" -a
sink_started=yes

export OUTREACH_RATE_LIMIT=$((RATE * 50)) OUTREACH_GLOBAL_LIMIT=off
echo "OUTREACH_RATE_LIMIT=$OUTREACH_RATE_LIMIT, outreach.http.rate-limit.burst=$OUTREACH_RATE_LIMIT, OUTREACH_GLOBAL_LIMIT=off"
start_node "$HTTP_PORT" "$MANAGEMENT_PORT" "$METRICS_PORT" "-Doutreach.http.rate-limit.burst=$OUTREACH_RATE_LIMIT" \
  "-Xlog:gc:file=$OUT/gc.log:uptimemillis"
# The JVM's uptime, which stamps its GC log, counted from the process start (epoch milliseconds).
node_started_ms=$(($(awk '/^btime/ {print $2}' /proc/stat) * 1000 + $(awk '{print $22}' "/proc/$NODE_PID/stat") * 1000 / $(getconf CLK_TCK)))
KEY="$(new_tenant "Read benchmark")"
accounts=""
for ((i = 1; i <= ACCOUNTS; i++)); do
  api POST /v1/accounts "$KEY" "{\"id\":\"sink-$i\",\"host\":\"$HOST\",\"port\":$SINK_PORT,\"security\":\"none\",
    \"username\":\"sink-$i\",\"password\":\"secret-123\",\"fromAddress\":\"sales$i@sender.example.com\",
    \"fromName\":\"Sales $i\",\"limits\":[\"100/1s\",\"1000000/1d\"],\"warmUp\":{\"enabled\":false}}" >/dev/null
  accounts+="${accounts:+,}\"sink-$i\""
done
CAMPAIGN=read-bench
api POST /v1/campaigns "$KEY" "{\"id\":\"$CAMPAIGN\",\"name\":\"Read benchmark\",\"subject\":\"Hello {name}\",
  \"text\":\"Hi {name}, a note for {company} and its {title}.\",\"variables\":[\"title\"],\"accounts\":[$accounts],
  \"footer\":{\"address\":\"Acme Inc., 1 Main St, Springfield\"}}" >/dev/null
upload="$(curl -s -m 300 -X POST "$BASE/v1/campaigns/$CAMPAIGN/recipients" -H "Authorization: Bearer $KEY" \
  -H 'Content-Type: text/csv' --data-binary @"$CSV")"
accepted="$(json_number accepted <<<"$upload")"
[[ -n "$accepted" ]] || die "the upload failed: $(head -c 300 <<<"$upload")"
echo "uploaded $RECIPIENTS rows: $accepted recipients accepted"
api POST "/v1/campaigns/$CAMPAIGN/start" "$KEY" >/dev/null

echo "== sending $accepted messages through $ACCOUNTS accounts to smtp-sink"
start=$SECONDS
last_report=$SECONDS
while :; do
  view="$(api GET "/v1/campaigns/$CAMPAIGN" "$KEY")"
  if grep -q '"status" *: *"completed"' <<<"$view"; then break; fi
  grep -q '"status" *: *"running"' <<<"$view" || die "the campaign stopped: $(head -c 400 <<<"$view")"
  if ((SECONDS - last_report >= 30)); then
    echo "  $((SECONDS - start)) s: $(json_number sent <<<"$view") sent"
    last_report=$SECONDS
  fi
  ((SECONDS - start < SEND_TIMEOUT)) || die "the campaign has not completed after $SEND_TIMEOUT s"
  sleep 2
done
send_seconds=$((SECONDS - start))
sent="$(json_number sent <<<"$view")"
echo "campaign completed after $send_seconds s: $sent sent, $(json_number failed <<<"$view") failed," \
  "$(json_number bounced <<<"$view") bounced; the sink holds $("$SINK" count api-read) messages"
while :; do
  stats="$(api GET "/v1/campaigns/$CAMPAIGN/statistics" "$KEY")"
  [[ "$(json_number sent <<<"$stats")" -lt "$sent" ]] || break
  ((SECONDS - start < SEND_TIMEOUT)) || die "the deliveries read model does not show $sent sent"
  sleep 1
done
echo "deliveries read model: $(json_number total <<<"$stats") rows, $(json_number sent <<<"$stats") sent"

echo "== load: $RATE requests a second per endpoint, ${WARMUP} s warm-up then ${DURATION} s measured, open loop"
: >"$OUT/results"
status=0
cpu_ticks() { # pids: user + system CPU time they used so far, in clock ticks
  local pid total=0
  for pid in "$@"; do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
postgres_pids() { # the embedded server and its backends
  local postmaster
  postmaster="$(head -n 1 "$OUT/data/postgres/postmaster.pid")"
  echo "$postmaster" $(ps -o pid= --ppid "$postmaster")
}
measure() { # label path
  local result rc=0 start end node_cpu pg_cpu ticks requests
  node_cpu="$(cpu_ticks "$NODE_PID")"
  pg_cpu="$(cpu_ticks $(postgres_pids))"
  result="$("$JAVA" "$ROOT/bench/ApiLoad.java" --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" \
    --header "Authorization: Bearer $KEY" --label "$1" "$BASE$2")" || rc=$?
  node_cpu=$(($(cpu_ticks "$NODE_PID") - node_cpu))
  pg_cpu=$(($(cpu_ticks $(postgres_pids)) - pg_cpu))
  ((rc <= 1)) || { echo "$result"; die "ApiLoad failed ($rc)"; }
  ((rc == 0)) || status=1
  grep -v '^RESULT' <<<"$result"
  start="$(grep -o ' start_ms=[0-9]*' <<<"$result" | cut -d= -f2)"
  end="$(grep -o ' end_ms=[0-9]*' <<<"$result" | cut -d= -f2)"
  # Stop-the-world pauses of the node in the measured window, from its GC log ("[12345ms] GC(7) Pause ... 6.1ms").
  awk -v from=$((start - node_started_ms)) -v to=$((end - node_started_ms)) '
    / Pause / { at = $1; gsub(/[^0-9]/, "", at); ms = $NF; sub(/ms$/, "", ms)
                if (at + 0 >= from && at + 0 <= to) { n++; sum += ms; if (ms > max) max = ms } }
    END { printf "  node GC     %d pauses in the measured window, %.1f ms in all, longest %.1f ms\n", n, sum, max }' \
    "$OUT/gc.log"
  ticks="$(getconf CLK_TCK)"
  requests=$((RATE * (WARMUP + DURATION)))
  awk -v n="$node_cpu" -v p="$pg_cpu" -v t="$ticks" -v r="$requests" -v s=$((WARMUP + DURATION)) 'BEGIN {
    printf "  cpu         node %.2f ms a request (%.0f%% of one core), PostgreSQL %.2f ms a request (%.0f%%), warm-up included\n",
      n * 1000 / t / r, n * 100 / t / s, p * 1000 / t / r, p * 100 / t / s }'
  grep '^RESULT' <<<"$result" >>"$OUT/results"
}
# The same load on /health/alive, which does no API work, shows what the machine itself adds.
measure baseline /health/alive
measure campaign "/v1/campaigns/$CAMPAIGN"
measure deliveries "/v1/campaigns/$CAMPAIGN/deliveries?limit=50"
stop_node

echo "== summary"
for label in baseline campaign deliveries; do
  line="$(grep "^RESULT $label " "$OUT/results")"
  value() { grep -o " $1=[0-9.]*" <<<"$line" | cut -d= -f2; }
  p99="$(value p99_ms)" errors="$(value errors)"
  verdict=PASS
  awk -v p="$p99" -v t="$TARGET_P99_MS" 'BEGIN { exit !(p < t) }' && ((errors == 0)) || verdict=FAIL
  [[ "$label" != baseline ]] || verdict="INFO"
  echo "$verdict  $label: $(value count) requests at $(value rate)/s, $errors errors," \
    "p50 $(value p50_ms) ms, p99 $p99 ms, p99.9 $(value p999_ms) ms, max $(value max_ms) ms," \
    "generator late by up to $(value lag_ms) ms" \
    "$([[ "$label" == baseline ]] && echo "(GET /health/alive: no API work, the machine's own share)" ||
      echo "(target: p99 under $TARGET_P99_MS ms, no errors)")"
done
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
