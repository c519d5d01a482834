package sip

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
)

// TestBenchProxyServe runs the proxy as a process of its own for
// scripts/bench-sip.sh, which sets CALLHOOK_BENCH_LISTEN and
// CALLHOOK_BENCH_UPSTREAM; it serves until SIGTERM or SIGINT and then
// prints what the tracker saw. Without the variables it is skipped.
func TestBenchProxyServe(t *testing.T) {
	listen, upstream := os.Getenv("CALLHOOK_BENCH_LISTEN"), os.Getenv("CALLHOOK_BENCH_UPSTREAM")
	if listen == "" || upstream == "" {
		t.Skip("bench helper: run by scripts/bench-sip.sh (CALLHOOK_BENCH_LISTEN, CALLHOOK_BENCH_UPSTREAM)")
	}
	var mu sync.Mutex
	counts := map[call.Trigger]int{}
	starts := map[string]time.Time{}
	var ringToAnswer []time.Duration
	handler := func(ev call.Event) {
		mu.Lock()
		defer mu.Unlock()
		counts[ev.Trigger]++
		switch ev.Trigger.Phase() {
		case call.PhaseRing:
			starts[ev.Call.ID] = ev.At
		case call.PhaseAnswer:
			ringToAnswer = append(ringToAnswer, ev.At.Sub(starts[ev.Call.ID]))
		case call.PhaseHangup:
			delete(starts, ev.Call.ID)
		}
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	p, err := NewProxy(ProxyConfig{Listen: listen, Upstream: upstream, Transport: os.Getenv("CALLHOOK_BENCH_TRANSPORT")},
		NewTracker("bench", nil, handler), WithProxyLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	fmt.Fprintf(os.Stderr, "bench proxy pid %d listening on %s -> %s\n", os.Getpid(), listen, upstream)
	if err := p.Run(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	sort.Slice(ringToAnswer, func(i, j int) bool { return ringToAnswer[i] < ringToAnswer[j] })
	pct := func(q float64) time.Duration {
		if len(ringToAnswer) == 0 {
			return 0
		}
		return ringToAnswer[int(q*float64(len(ringToAnswer)-1))]
	}
	fmt.Printf("proxy events: start=%d answer=%d hangup=%d; tracker ring->answer p50=%v p99=%v\n",
		counts[call.OutgoingStart], counts[call.OutgoingAnswer], counts[call.OutgoingHangup], pct(0.5), pct(0.99))
}
