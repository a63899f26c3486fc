#!/usr/bin/env bash
# Offline validation of the deployment files. Run from anywhere; needs the Debian packages
# docker-compose, prometheus (promtool), prometheus-alertmanager (amtool) and python3.
# Builds and starts nothing.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

missing=()
for tool in docker-compose promtool amtool python3; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if (( ${#missing[@]} )); then
  echo "check.sh: missing tool(s): ${missing[*]}" >&2
  echo "check.sh: install with: apt-get install -y docker-compose prometheus prometheus-alertmanager python3 python3-yaml" >&2
  exit 1
fi

step() { printf '\n== %s\n' "$*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

step "docker-compose config"
# An empty env file keeps a local .env out of the check. Dummy secrets: the real ones are
# required (${VAR:?}) but not needed to validate.
: > "$tmp/empty.env"
compose=(docker-compose --env-file "$tmp/empty.env" -f docker-compose.yml)
OUTREACH_MASTER_KEY=$(head -c32 /dev/zero | base64) \
OUTREACH_ADMIN_TOKEN=check-only-admin-token \
  "${compose[@]}" config -q
echo "docker-compose.yml is valid"
# Without the secrets compose must refuse to start.
if env -u OUTREACH_MASTER_KEY -u OUTREACH_ADMIN_TOKEN "${compose[@]}" config -q 2>"$tmp/err"; then
  echo "docker-compose.yml accepts a missing OUTREACH_MASTER_KEY/OUTREACH_ADMIN_TOKEN" >&2
  exit 1
fi
grep -q 'set OUTREACH_MASTER_KEY\|set OUTREACH_ADMIN_TOKEN' "$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
echo "docker-compose.yml refuses to run without OUTREACH_MASTER_KEY and OUTREACH_ADMIN_TOKEN"

step "promtool check config"
promtool check config deploy/prometheus/prometheus.yml

step "promtool check rules"
promtool check rules deploy/prometheus/alerts.yml

step "promtool test rules"
promtool test rules deploy/prometheus/alerts_test.yml

step "amtool check-config"
amtool check-config deploy/alertmanager/alertmanager.yml

step "shell scripts"
sh -n deploy/alertmanager/start.sh
bash -n deploy/backup/pg-backup.sh
echo "syntax OK"

step "grafana provisioning and dashboard"
# Every dashboard query must parse as PromQL: wrap them as recording rules for promtool.
python3 - "$tmp/dashboard_rules.yml" <<'PY'
import json, glob, sys
import yaml

ds = yaml.safe_load(open("deploy/grafana/provisioning/datasources/prometheus.yml"))
uids = {d["uid"] for d in ds["datasources"]}
yaml.safe_load(open("deploy/grafana/provisioning/dashboards/outreach.yml"))

rules, errors = [], []
for path in sorted(glob.glob("deploy/grafana/dashboards/*.json")):
    dash = json.load(open(path))
    for panel in dash["panels"]:
        for src in [panel] + panel.get("targets", []):
            uid = (src.get("datasource") or {}).get("uid")
            if uid not in uids:
                errors.append(f"{path}: panel '{panel['title']}' uses datasource uid {uid!r}, provisioned: {sorted(uids)}")
        for t in panel.get("targets", []):
            expr = t["expr"].replace("$__rate_interval", "5m").replace("$__range", "1h")
            rules.append({"record": f"dashboard:query{len(rules)}", "expr": expr})
    print(f"{path}: {len(dash['panels'])} panels")
if errors:
    sys.exit("\n".join(errors))
yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, open(sys.argv[1], "w"))
PY
promtool check rules "$tmp/dashboard_rules.yml" | sed 's|'"$tmp"'/||'

printf '\nAll deployment checks passed.\n'
