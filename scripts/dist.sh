#!/usr/bin/env bash
# `make dist`: release artefacts in dist/:
#   callhook-<version>-linux-amd64.tar.xz   fyne package (binary, .desktop file, icon)
#   callhook-<version>-windows-amd64.exe    the desktop app (no console window)
#   callhook-cli-<version>-windows-amd64.exe the same program with a console, for `callhook run` etc.
#   callhook-<version>-windows-amd64.zip    both (callhook.exe, callhook-cli.exe) and README-windows.txt
# Installs the fyne packaging tool, the mingw cross compiler and zip when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-dev}
ldflags="-X main.version=$version"
mkdir -p dist
export PATH="$PATH:$(go env GOPATH)/bin"

if ! command -v fyne >/dev/null 2>&1; then
	echo "dist: installing the fyne packaging tool"
	go install fyne.io/fyne/v2/cmd/fyne@v2.7.1
fi
apt=()
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || apt+=(gcc-mingw-w64-x86-64)
command -v zip >/dev/null 2>&1 || apt+=(zip)
if [ ${#apt[@]} -gt 0 ]; then
	echo "dist: installing ${apt[*]}"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${apt[@]}"
fi

# fyne package rewrites FyneApp.toml (it bumps Build): work in a copy.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git ls-files -z | xargs -0 cp --parents -t "$tmp"
(
	cd "$tmp"
	go build -ldflags "$ldflags" -o callhook ./cmd/callhook
	fyne package --os linux --exe callhook --release
)
mv "$tmp/Callhook.tar.xz" "dist/callhook-$version-linux-amd64.tar.xz"

export CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc
go build -ldflags "$ldflags -H=windowsgui" -o "dist/callhook-$version-windows-amd64.exe" ./cmd/callhook
go build -ldflags "$ldflags" -o "dist/callhook-cli-$version-windows-amd64.exe" ./cmd/callhook

# The zip a Windows user unpacks anywhere: no installer, nothing to
# register. Two names that differ in case only would clash on Windows.
name="callhook-$version-windows-amd64"
mkdir -p "$tmp/$name"
cp "dist/callhook-$version-windows-amd64.exe" "$tmp/$name/callhook.exe"
cp "dist/callhook-cli-$version-windows-amd64.exe" "$tmp/$name/callhook-cli.exe"
sed 's/$/\r/' >"$tmp/$name/README-windows.txt" <<EOF
Callhook $version for Windows (64-bit)

Callhook fires webhooks when your SIP phone rings, is answered or hangs
up. The full documentation is README.md in the source repository.

Needs Windows 10 version 1803 or later: the app and its window talk over
an AF_UNIX socket. Nothing to install: unpack this folder anywhere.

callhook.exe      the desktop app: tray icon and window. Settings can
                  start it at login.
callhook-cli.exe  the same program with a console, for the command line:
                    callhook-cli.exe config init
                    callhook-cli.exe config check
                    callhook-cli.exe simulate --direction in --remote 0301234567
                    callhook-cli.exe history
                    callhook-cli.exe run      (headless, until Ctrl-C)
                  "callhook-cli.exe help" lists every command.

Config file   %AppData%\callhook\config.json
Journal       %AppData%\callhook\journal.db (calls and deliveries)
Secrets       Windows Credential Manager, service "callhook":
              callhook-cli.exe secret set NAME (reads the value from stdin),
              or the environment variable CALLHOOK_SECRET_<NAME>.

The programs are not code-signed: SmartScreen may ask before the first
start ("More info", then "Run anyway").
EOF
rm -f "dist/$name.zip"
(cd "$tmp" && zip -q -X -r - "$name") >"dist/$name.zip"

ls -l dist/
