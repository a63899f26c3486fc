#!/bin/sh
# Entrypoint of the alertmanager service: puts the Telegram bot token from
# /etc/alertmanager/telegram_bot_token into a private copy of alertmanager.yml and starts
# Alertmanager with it (see the comment at the top of alertmanager.yml). Arguments are passed on.
set -eu

CONF_DIR=${CONF_DIR:-/etc/alertmanager}
TOKEN_FILE=${TELEGRAM_BOT_TOKEN_FILE:-$CONF_DIR/telegram_bot_token}
OUT=${RENDERED_CONFIG:-/alertmanager/alertmanager.rendered.yml}

if [ ! -r "$TOKEN_FILE" ]; then
  echo "alertmanager: $TOKEN_FILE is missing or unreadable; create it with the Telegram bot token (deploy/README.md)" >&2
  exit 1
fi
token=$(tr -d ' \t\r\n' < "$TOKEN_FILE")
case "$token" in
  *[!A-Za-z0-9:_-]*|'') echo "alertmanager: $TOKEN_FILE does not hold a Telegram bot token (digits:letters)" >&2; exit 1 ;;
esac

umask 077
sed "s|TELEGRAM_BOT_TOKEN_PLACEHOLDER|$token|" "$CONF_DIR/alertmanager.yml" > "$OUT"
exec "${ALERTMANAGER_BIN:-/bin/alertmanager}" --config.file="$OUT" "$@"
