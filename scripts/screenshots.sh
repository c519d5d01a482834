#!/usr/bin/env bash
# Photographs each tab of the desktop app for the docs: starts callhook
# under Xvfb once per tab (CALLHOOK_GUI_TAB picks it) with an example
# config, feeds a simulated call first so Calls has history, and writes
# docs/screenshots/{hooks,editor,calls,settings}.png.
#
#   scripts/screenshots.sh            # builds ./cmd/callhook
#   CALLHOOK_BIN=path scripts/screenshots.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${CALLHOOK_SCREENSHOTS:-$root/docs/screenshots}

if [ "${CALLHOOK_SHOTS_INNER:-}" != 1 ]; then
	tmp=$(mktemp -d /tmp/callhook-shots.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
	bin=${CALLHOOK_BIN:-}
	if [ -z "$bin" ]; then
		(cd "$root" && go build -o "$tmp/callhook" ./cmd/callhook)
		bin=$tmp/callhook
	fi
	mkdir -p "$tmp/home/.config" "$tmp/run" "$tmp/data" "$out"
	chmod 700 "$tmp/run"
	cat >"$tmp/config.json" <<'JSON'
{
  "version": 1,
  "enabled": true,
  "user": "max",
  "country_code": "49",
  "source": {"mode": "proxy", "proxy": {"listen": "127.0.0.1:15070", "upstream": "127.0.0.1:15060", "transport": "udp"}},
  "queues": [{"name": "Support", "numbers": ["200"], "display_prefix": "Support:", "header": "X-Queue"}],
  "hooks": [
    {"id": "log", "name": "Log call", "enabled": true, "triggers": ["incoming.hangup", "queue.hangup"],
     "action": "post", "url": "https://crm.example.com/api/calls",
     "content_type": "application/json",
     "body": "{\"caller\":\"{caller}\",\"name\":\"{remote_name}\",\"duration\":{duration}}",
     "headers": {"Authorization": "{secret.log-authorization}"},
     "timeout": "10s", "retries": 8, "signing_secret": "log-signing"},
    {"id": "crm", "name": "Open CRM", "enabled": true, "triggers": ["incoming.answer", "queue.answer"],
     "action": "browser", "url": "https://crm.example.com/search?phone={remote|e164}"},
    {"id": "slack", "name": "Missed call to chat", "enabled": false, "triggers": ["incoming.missed", "queue.missed"],
     "action": "get", "url": "https://chat.example.com/hook?text=Missed+call+from+{remote}"}
  ]
}
JSON
	export CALLHOOK_SHOTS_INNER=1 CALLHOOK_SHOTS_TMP=$tmp CALLHOOK_SHOTS_BIN=$bin CALLHOOK_SCREENSHOTS=$out
	export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config XDG_RUNTIME_DIR=$tmp/run
	# The example hook's secrets, from the environment instead of a keychain.
	export CALLHOOK_SECRET_LOG_AUTHORIZATION="Bearer example"
	export CALLHOOK_SECRET_LOG_SIGNING="whsec_$(head -c 24 /dev/urandom | base64)"
	timeout 300 xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$0" "$@"
	exit
fi

tmp=$CALLHOOK_SHOTS_TMP
bin=$CALLHOOK_SHOTS_BIN
# History to show: two simulated calls through the real dispatcher. The
# hooks are pointed at a local receiver for it (no traffic leaves the
# machine) and browser hooks are off (no browser opens).
python3 - "$tmp/port" <<'PY' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        # Jane's call fails, so the history shows a failure and Re-send.
        code = 503 if b"Jane" in body else 200
        self.send_response(code); self.end_headers(); self.wfile.write(b'{"ok":true}')
    do_GET = do_POST
    def log_message(self, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(srv.server_port))
srv.serve_forever()
PY
receiver=$!
trap 'kill $receiver 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
python3 - "$tmp/config.json" "$tmp/sim.json" "$(cat "$tmp/port")" <<'PY'
import json, re, sys
cfg = json.load(open(sys.argv[1]))
for h in cfg["hooks"]:
    h["url"] = re.sub(r"^https://[^/]+", "http://127.0.0.1:" + sys.argv[3], h["url"])
    h["retries"] = 0
    if h["action"] == "browser":
        h["enabled"] = False
json.dump(cfg, open(sys.argv[2], "w"))
PY
"$bin" simulate --config "$tmp/sim.json" --data "$tmp/data" --direction in \
	--remote +4930123456 --name "Erika Mustermann" --answer-after 1s --hangup-after 2s --wait 10s \
	>"$tmp/simulate.log" 2>&1 || { cat "$tmp/simulate.log" >&2; echo "screenshots: simulate failed; Calls will be empty" >&2; }
"$bin" simulate --config "$tmp/sim.json" --data "$tmp/data" --direction in --queue Support \
	--remote +4940987654 --name "Jane Doe" --answer-after 1s --hangup-after 3s --wait 10s \
	>>"$tmp/simulate.log" 2>&1 || true # its delivery fails on purpose

for tab in hooks editor calls settings; do
	CALLHOOK_GUI_TAB=$tab "$bin" --config "$tmp/config.json" --data "$tmp/data" >"$tmp/$tab.log" 2>&1 &
	pid=$!
	win=""
	for _ in $(seq 1 300); do
		win=$(xdotool search --name '^Callhook$' 2>/dev/null | head -n1 || true)
		[ -n "$win" ] && break
		sleep 0.2
	done
	if [ -z "$win" ]; then
		cat "$tmp/$tab.log" >&2
		echo "screenshots: no window for $tab" >&2
		exit 1
	fi
	sleep 3
	import -window "$win" "$out/$tab.png"
	kill -TERM "$pid"
	wait "$pid" || true
	echo "screenshots: $out/$tab.png"
done
