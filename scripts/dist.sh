#!/usr/bin/env bash
# `make dist`: release artefacts in dist/:
#   callhook-<version>-linux-amd64.tar.xz   fyne package (binary, .desktop file, icon)
#   callhook-<version>-windows-amd64.exe    the desktop app (no console window)
#   callhook-cli-<version>-windows-amd64.exe the same program with a console, for `callhook run` etc.
# Installs the fyne packaging tool and the mingw cross compiler when missing.
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
if ! command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1; then
	echo "dist: installing the mingw-w64 cross compiler"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends gcc-mingw-w64-x86-64
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

ls -l dist/
