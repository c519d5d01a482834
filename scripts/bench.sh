#!/usr/bin/env bash
# `make bench`: prints template render rates and the dispatcher's delivery
# throughput, event-to-arrival latency and peak memory for 10,000 deliveries
# to a loopback receiver. Figures only; nothing here passes or fails on time.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== templates: render rate"
go test -run '^$' -bench 'Render' -benchmem -count 1 ./templates
echo
echo "== hooks: dispatch of 10,000 deliveries to a loopback receiver"
go test -run '^$' -bench 'Dispatch' -benchtime 1x -count 1 -timeout 10m ./hooks
