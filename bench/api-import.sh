#!/usr/bin/env bash
# Recipient import benchmark: POST /v1/campaigns/{id}/recipients with a realistic CSV on one `dev` node.
#
#   bench/api-import.sh [ROWS [LARGE_ROWS]]     defaults: 100000 500000
#
# Starts its own node (java -Xmx512m -jar app/target/outreach.jar dev, API on 127.0.0.1:18080, management
# 18558, metrics 19095, data in bench/out/api-import/), creates a tenant, an account and three campaigns
# through the API, uploads a 20,000-row warm-up file (not counted), then ROWS rows, then LARGE_ROWS rows,
# each to its own campaign, and prints for each upload the time, the rows a second, the import report and
# the node's memory while it read the file (live heap, old generation and resident set). The target is
# 100,000 rows in under 10 s with memory that does not grow with the file: the LARGE_ROWS upload must not
# need more old generation or live heap than the ROWS upload. LARGE_ROWS 0 skips that comparison.
# Stops everything it started on exit. Exit status 1 when an upload or an API call fails, 0 otherwise
# (PASS or FAIL is printed). See bench/README.md.
set -euo pipefail

NAME=api-import
# shellcheck source=bench/api-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/api-common.sh"

ROWS="${1:-100000}"
LARGE_ROWS="${2:-500000}"
WARMUP_ROWS=20000
HTTP_PORT="${API_IMPORT_HTTP_PORT:-18080}"
MANAGEMENT_PORT="${API_IMPORT_MANAGEMENT_PORT:-18558}"
METRICS_PORT="${API_IMPORT_METRICS_PORT:-19095}"
TARGET_ROWS_PER_SECOND=10000
# How much more old generation or live heap the larger upload may use and still count as flat.
FLAT_TOLERANCE_MB=10

[[ "$ROWS" =~ ^[0-9]+$ ]] && ((ROWS > 0)) || die "ROWS must be a positive number"
[[ "$LARGE_ROWS" =~ ^[0-9]+$ ]] || die "LARGE_ROWS must be a number (0 skips the larger upload)"
require_tools jcmd jstat
mkdir -p "$OUT"
trap stop_node EXIT

machine

csv_for() { # rows: the path of the CSV with that many rows, written once and reused
  local file="$OUT/recipients-$1.csv"
  [[ -s "$file" ]] || "$JAVA" "$ROOT/bench/ApiImport.java" csv "$1" "$file" >&2
  echo "$file"
}

echo "== files"
WARMUP_CSV="$(csv_for "$WARMUP_ROWS")"
MAIN_CSV="$(csv_for "$ROWS")"
LARGE_CSV=""
((LARGE_ROWS == 0)) || LARGE_CSV="$(csv_for "$LARGE_ROWS")"
ls -l "$WARMUP_CSV" "$MAIN_CSV" ${LARGE_CSV:+"$LARGE_CSV"} | awk '{print $5 " bytes  " $NF}' | sed "s|$ROOT/||"

# The shipped limits (100,000 rows, 20 MB an upload) stay unless a file needs more.
largest_rows=$((ROWS > LARGE_ROWS ? ROWS : LARGE_ROWS))
largest_bytes="$(stat -c %s "$MAIN_CSV" ${LARGE_CSV:+"$LARGE_CSV"} | sort -n | tail -n 1)"
limits=()
((largest_rows <= 100000)) || limits+=("-Doutreach.http.max-csv-rows=$largest_rows")
((largest_bytes <= 20 * 1024 * 1024)) || limits+=("-Doutreach.http.max-csv-size=$((largest_bytes / 1048576 + 1))m")

start_node "$HTTP_PORT" "$MANAGEMENT_PORT" "$METRICS_PORT" "${limits[@]}"
KEY="$(new_tenant "Import benchmark")"
api POST /v1/accounts "$KEY" '{"id":"acc-1","host":"smtp.example.com","port":587,"security":"starttls",
  "username":"sales@example.com","password":"secret-123","fromAddress":"sales@example.com","fromName":"Sales"}' >/dev/null
campaign() {
  api POST /v1/campaigns "$KEY" "{\"id\":\"$1\",\"name\":\"Import $1\",\"subject\":\"Hello {name}\",
    \"text\":\"Hi {name}, a note for {company} and its {title}.\",\"variables\":[\"title\"],\"accounts\":[\"acc-1\"],
    \"footer\":{\"address\":\"Acme Inc., 1 Main St, Springfield\"}}" >/dev/null
}

# upload CAMPAIGN FILE: runs the measured upload, then waits until the deliveries listing shows
# every accepted row, so that the projection's work is not running during the next upload.
upload() {
  local campaign="$1" file="$2" result accepted start total
  campaign "$campaign"
  result="$("$JAVA" "$ROOT/bench/ApiImport.java" upload --url "$BASE" --key "$KEY" --campaign "$campaign" \
    --file "$file" --pid "$NODE_PID" --label "$campaign")" || { echo "$result"; die "the upload of $file failed"; }
  grep -v '^RESULT' <<<"$result"
  grep '^RESULT' <<<"$result" >>"$OUT/results"
  accepted="$(grep -o ' accepted=[0-9]*' <<<"$result" | cut -d= -f2)"
  start=$SECONDS
  while :; do
    total="$(api GET "/v1/campaigns/$campaign/statistics" "$KEY" | json_number total)"
    ((total < accepted)) || break
    ((SECONDS - start < 600)) || die "the deliveries of $campaign show $total of $accepted recipients after 600 s"
    sleep 1
  done
  echo "  deliveries  all $accepted listed as pending $((SECONDS - start)) s after the answer (delivery projection)"
}

: >"$OUT/results"
echo "== uploads (node $JAVA_OPTS; memory read with jstat, jcmd GC.run and /proc/$NODE_PID/status)"
upload warm-up "$WARMUP_CSV"
upload "import-$ROWS" "$MAIN_CSV"
((LARGE_ROWS == 0)) || upload "import-$LARGE_ROWS" "$LARGE_CSV"
stop_node

field() { # rows key: a value of the RESULT line of that upload
  grep "^RESULT import-$1 " "$OUT/results" | grep -o " $2=[0-9.]*" | cut -d= -f2
}
echo "== summary"
seconds="$(field "$ROWS" seconds)"
rate="$(field "$ROWS" rows_per_s)"
verdict=FAIL
((${rate%.*} >= TARGET_ROWS_PER_SECOND)) && verdict=PASS
echo "$verdict  speed: $ROWS rows in $seconds s = $rate rows/s (target: 100,000 rows in under 10 s, $TARGET_ROWS_PER_SECOND rows/s)"
if ((LARGE_ROWS > 0)); then
  old_main="$(field "$ROWS" old_peak_mb)" old_large="$(field "$LARGE_ROWS" old_peak_mb)"
  live_main="$(field "$ROWS" live_after_mb)" live_large="$(field "$LARGE_ROWS" live_after_mb)"
  rss_main="$(field "$ROWS" rss_peak_mb)" rss_large="$(field "$LARGE_ROWS" rss_peak_mb)"
  verdict=PASS
  ((old_large <= old_main + FLAT_TOLERANCE_MB && live_large <= live_main + FLAT_TOLERANCE_MB)) || verdict=FAIL
  echo "$verdict  memory: peak old generation $old_main MB for $ROWS rows, $old_large MB for $LARGE_ROWS rows;" \
    "live heap after $live_main / $live_large MB; peak RSS $rss_main / $rss_large MB" \
    "(target: flat, the larger file needs at most $FLAT_TOLERANCE_MB MB more old generation and live heap)"
fi
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
