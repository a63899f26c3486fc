#!/usr/bin/env bash
# Runs Postfix's smtp-sink as a local SMTP server for Outreach accounts, one named instance per port.
#
#   bench/smtp-sink.sh start NAME PORT [OPTION...]   start smtp-sink on 127.0.0.1:PORT, wait until it listens
#   bench/smtp-sink.sh stop [NAME]                   stop one instance (all when no name is given)
#   bench/smtp-sink.sh count NAME                    messages received so far
#   bench/smtp-sink.sh duplicates NAME               Message-IDs received more than once, with their counts
#   bench/smtp-sink.sh status                        every instance: pid, port, options, messages
#
# OPTIONs go to smtp-sink as they are, after the fixed ones (-v -h NAME -d DUMPS, and -u nobody
# as root), for example:
#   -a                                 do not announce AUTH: what a working account needs (see below)
#   -f RCPT -B "550 5.1.1 User unknown"              hard-reject every recipient
#   -r RCPT -b "452 4.2.2 Mailbox full"              soft-reject every recipient
#   -Q RCPT                            answer 421 and hang up
#   -f AUTH -B "535 5.7.8 Authentication credentials invalid"   refuse every login (AUTH announced)
#   -W .:1                             answer the end of DATA after 1 s
# smtp-sink answers AUTH with "250 2.0.0 Ok", which no client takes for a login (RFC 4954 wants
# 235): start a sink that stands for a working account with -a, so the client sends no AUTH.
#
# Files go to bench/out/sink-NAME/ (git-ignored): smtp-sink.pid, options, smtp-sink.log (every SMTP
# command with -v) and dumps/, one file per accepted message (emptied by each start). Needs /usr/sbin/smtp-sink (Debian
# package postfix; preseed "postfix postfix/main_mailer_type select No configuration" with
# debconf-set-selections so it installs without a mail server on port 25).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/bench/out"
SINK="${SMTP_SINK:-/usr/sbin/smtp-sink}"
HOST=127.0.0.1

die() { echo "smtp-sink.sh: $*" >&2; exit 1; }

usage() {
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

dir_of() { echo "$OUT/sink-$1"; }

pid_of() { # the pid of instance NAME if it runs
  local file pid
  file="$(dir_of "$1")/smtp-sink.pid"
  [[ -f "$file" ]] || return 0
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'smtp-sink'; then
    echo "$pid"
  fi
}

name_arg() {
  [[ "${1:-}" =~ ^[A-Za-z0-9._-]+$ ]] || die "name an instance (letters, digits, . _ -)"
  echo "$1"
}

listening() { # port: true when something accepts connections on it
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

start() {
  local name port dir pid i
  name="$(name_arg "${1:-}")"
  port="${2:-}"
  [[ "$port" =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || die "PORT must be a TCP port number"
  shift 2
  [[ -x "$SINK" ]] || die "$SINK not found: apt-get install postfix (see the header of this script)"
  [[ -z "$(pid_of "$name")" ]] || die "$name already runs (pid $(pid_of "$name")): stop it first"
  listening "$port" && die "something already listens on $HOST:$port"
  dir="$(dir_of "$name")"
  rm -rf "$dir/dumps" # a start begins a new count
  mkdir -p "$dir/dumps"
  local user=()
  if [[ "$(id -u)" == 0 ]]; then
    user=(-u nobody)
    chmod 777 "$dir/dumps" # smtp-sink writes as nobody; every folder above must let it through
  fi
  printf '%s\n' "$port" "$*" >"$dir/options"
  echo "=== smtp-sink.sh $(date -u +%Y-%m-%dT%H:%M:%SZ) start: $*" >>"$dir/smtp-sink.log"
  # A listen queue of 4096 (capped by net.core.somaxconn): with 100, accounts connecting at once lost SYNs.
  nohup "$SINK" "${user[@]}" -v -h "$name" -d "$dir/dumps/%Y%m%d%H%M%S." "$@" "$HOST:$port" 4096 \
    >>"$dir/smtp-sink.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$dir/smtp-sink.pid"
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || { tail -n 5 "$dir/smtp-sink.log" >&2; die "$name exited at start"; }
    if listening "$port"; then
      echo "$name: pid $pid on $HOST:$port, dumps in bench/out/sink-$name/dumps/"
      return 0
    fi
    sleep 0.1
  done
  kill "$pid" 2>/dev/null || true
  die "$name does not listen on $HOST:$port after 5 s"
}

stop() {
  local name="$1" pid i
  pid="$(pid_of "$name")"
  rm -f "$(dir_of "$name")/smtp-sink.pid"
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid"
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  echo "$name stopped"
}

count() {
  local dir
  dir="$(dir_of "$(name_arg "${1:-}")")/dumps"
  [[ -d "$dir" ]] || die "no instance $1"
  find "$dir" -type f | wc -l | tr -d ' '
}

duplicates() { # Message-ID header of every dump (first header block only), counted
  local dir
  dir="$(dir_of "$(name_arg "${1:-}")")/dumps"
  [[ -d "$dir" ]] || die "no instance $1"
  find "$dir" -type f -exec awk '/^$/{exit} tolower($0) ~ /^message-id:/{print $2; exit}' {} \; |
    sort | uniq -c | awk '$1 > 1 {print $1, $2}'
}

instances() {
  [[ -d "$OUT" ]] || return 0
  find "$OUT" -maxdepth 1 -type d -name 'sink-*' -printf '%f\n' | sed 's/^sink-//' | sort
}

cmd="${1:-}"
case "$cmd" in
  start) shift; mkdir -p "$OUT"; start "$@" ;;
  stop)
    if [[ -n "${2:-}" ]]; then
      stop "$(name_arg "$2")"
    else
      for n in $(instances); do stop "$n"; done
    fi
    ;;
  count) count "${2:-}" ;;
  duplicates) duplicates "${2:-}" ;;
  status)
    for n in $(instances); do
      pid="$(pid_of "$n")"
      port="$(sed -n 1p "$(dir_of "$n")/options" 2>/dev/null || true)"
      opts="$(sed -n 2p "$(dir_of "$n")/options" 2>/dev/null || true)"
      state="not running"
      [[ -z "$pid" ]] || state="pid $pid"
      echo "$n: $state, $HOST:$port, options [$opts], $(count "$n") message(s)"
    done
    ;;
  -h | --help | help) usage 0 ;;
  *) usage 2 >&2 ;;
esac
