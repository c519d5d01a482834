#!/usr/bin/env bash
# `make run`: starts the desktop app when there is a display, else the
# headless service, and says how to see a hook fire.
set -euo pipefail
bin=${1:-bin/callhook}
cfg=$("$bin" config path | sed -n 's/^config: //p')
if [ ! -f "$cfg" ]; then
	"$bin" config init
fi
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
	echo "Starting the Callhook desktop app (config: $cfg)."
	echo "No PBX yet? Use \"Simulate a call\" in the window, or: $bin simulate --direction in --remote +4930123456 --answer-after 2s --hangup-after 5s"
	exec "$bin"
fi
cat <<MSG
No display found (DISPLAY/WAYLAND_DISPLAY unset): starting the headless service instead.
  config: $cfg
To see a hook fire without a PBX, in another terminal:
  $bin simulate --direction in --remote +4930123456 --name "Jane Doe" --answer-after 2s --hangup-after 5s
Stop with Ctrl-C.
MSG
exec "$bin" run
