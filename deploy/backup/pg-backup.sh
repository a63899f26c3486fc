#!/usr/bin/env bash
# Daily pg_dump of the Outreach database (run by the `backup` service of docker-compose.yml).
# Connection from PGHOST/PGPORT/PGDATABASE/PGUSER/PGPASSWORD. Writes
# $BACKUP_DIR/<db>-YYYYmmddTHHMMSSZ.dump (custom format: restore with pg_restore), keeps
# BACKUP_KEEP_DAYS days. BACKUP_AT is the UTC time of day (HH:MM); ONCE=1 dumps once and exits.
set -euo pipefail

BACKUP_DIR=${BACKUP_DIR:-/backups}
BACKUP_AT=${BACKUP_AT:-02:30}
BACKUP_KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}
DB=${PGDATABASE:?set PGDATABASE}

log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) pg-backup: $*"; }

dump_once() {
  local name tmp
  name="$BACKUP_DIR/$DB-$(date -u +%Y%m%dT%H%M%SZ).dump"
  tmp="$name.partial"
  mkdir -p "$BACKUP_DIR"
  # Written under a temporary name so a failed dump never looks like a backup.
  if pg_dump --format=custom --compress=6 --no-owner --file="$tmp" "$DB"; then
    mv "$tmp" "$name"
    log "wrote $name ($(du -h "$name" | cut -f1))"
    find "$BACKUP_DIR" -maxdepth 1 -name "$DB-*.dump" -mtime +"$BACKUP_KEEP_DAYS" -print -delete
  else
    rm -f "$tmp"
    log "pg_dump FAILED"
    return 1
  fi
}

seconds_until_next_run() {
  local now next
  now=$(date -u +%s)
  next=$(date -u -d "today $BACKUP_AT" +%s)
  if (( next <= now )); then next=$(date -u -d "tomorrow $BACKUP_AT" +%s); fi
  echo $(( next - now ))
}

if [[ "${ONCE:-0}" == 1 ]]; then
  dump_once
  exit
fi

# PID 1 in a container: SIGTERM has no default action, so stop explicitly.
sleeper=
trap 'log "stopping"; [[ -n "$sleeper" ]] && kill "$sleeper" 2>/dev/null; exit 0' TERM INT

log "daily backups at $BACKUP_AT UTC into $BACKUP_DIR, kept $BACKUP_KEEP_DAYS days"
while true; do
  wait_s=$(seconds_until_next_run)
  log "next backup in ${wait_s}s"
  sleep "$wait_s" & sleeper=$!
  wait "$sleeper"             # wait (not sleep) lets SIGTERM stop the container at once
  dump_once || true           # a failed night is logged; the next night tries again
done
