package hooks

import (
	"context"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
)

// BenchmarkDispatch measures events -> requests through the whole engine
// (outbox in SQLite, workers, loopback HTTP): "burst" hands 10,000 events
// at once for throughput; "paced" sends one event every 2ms for latency at
// light load. Reported: deliveries/s, p50/p99 from Handle to the request
// arriving at the receiver, and peak heap.
func BenchmarkDispatch(b *testing.B) {
	b.Run("burst", func(b *testing.B) { benchDispatch(b, 10000, 0) })
	b.Run("paced", func(b *testing.B) { benchDispatch(b, 500, 2*time.Millisecond) })
}

func benchDispatch(b *testing.B, events int, gap time.Duration) {
	sent := make([]time.Time, events)
	lat := make([]time.Duration, events)
	var arrived atomic.Int64
	done := make(chan struct{})
	var run atomic.Int64 // which iteration the call ids belong to
	rc := newReceiver(b, func(_ int, w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "-")
		if len(parts) == 2 && parts[0] == strconv.FormatInt(run.Load(), 10) {
			i, _ := strconv.Atoi(parts[1])
			lat[i] = time.Since(sent[i])
			if arrived.Add(1) == int64(events) {
				close(done)
			}
		}
		w.WriteHeader(http.StatusNoContent)
	})
	rc.arrived = make(chan struct{}) // unbuffered: the receiver skips it
	h := Hook{ID: "bench", Enabled: true, Triggers: []call.Trigger{call.IncomingRing}, Action: ActionPost,
		URL: rc.URL + "/{call_id}", ContentType: "application/json", Body: "{json}"}
	j := openJournal(b, b.TempDir())
	d := NewDispatcher(j, testConfig(h), WithLogger(discardLogger()), WithSecrets(MapSecrets{}))
	if err := d.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer d.Close(context.Background())

	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	})

	var total time.Duration
	var all []time.Duration
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		run.Store(int64(n))
		arrived.Store(0)
		done = make(chan struct{})
		start := time.Now()
		for i := range events {
			c := testCall(strconv.Itoa(n) + "-" + strconv.Itoa(i))
			sent[i] = time.Now()
			d.Handle(call.Event{Trigger: call.IncomingRing, Call: c, At: sent[i]})
			if gap > 0 {
				time.Sleep(gap)
			}
		}
		select {
		case <-done:
		case <-time.After(2 * time.Minute):
			b.Fatalf("only %d of %d deliveries arrived", arrived.Load(), events)
		}
		total += time.Since(start)
		all = append(all, lat...)
	}
	b.StopTimer()
	close(stop)
	wg.Wait()
	slices.Sort(all)
	q := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(float64(events*b.N)/total.Seconds(), "deliveries/s")
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
}

// BenchmarkBrowserBehindHangingHooks measures how soon a browser hook
// opens its page while eight other hooks of the same trigger have a
// receiver that never answers (each attempt runs into its 15 s timeout).
// Reported: p50/p99 from Handle to the page opening.
func BenchmarkBrowserBehindHangingHooks(b *testing.B) {
	hold := make(chan struct{})
	rc := newReceiver(b, func(_ int, _ http.ResponseWriter, r *http.Request) {
		select {
		case <-hold:
		case <-r.Context().Done():
		}
	})
	defer close(hold) // before rc.Close, which waits for the handlers
	var hs []Hook
	for i := range 8 {
		hs = append(hs, Hook{ID: "hang" + strconv.Itoa(i), Enabled: true, Triggers: []call.Trigger{call.IncomingRing},
			Action: ActionPost, URL: rc.URL + "/{call_id}", Body: "{json}", Timeout: Duration(15 * time.Second), Retries: intp(0)})
	}
	var mu sync.Mutex
	sent := map[string]time.Time{}
	var lat []time.Duration
	opened := make(chan struct{}, 1)
	op := OpenerFunc(func(u string) error {
		id := u[strings.LastIndexByte(u, '=')+1:]
		mu.Lock()
		lat = append(lat, time.Since(sent[id]))
		mu.Unlock()
		opened <- struct{}{}
		return nil
	})
	hs = append(hs, Hook{ID: "crm", Enabled: true, Triggers: []call.Trigger{call.IncomingRing},
		Action: ActionBrowser, URL: "https://crm.example.com/search?c={call_id}"})
	j := openJournal(b, b.TempDir())
	d := NewDispatcher(j, testConfig(hs...), WithLogger(discardLogger()), WithSecrets(MapSecrets{}), WithOpener(op))
	if err := d.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		d.Close(ctx)
	}()

	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		id := "bh-" + strconv.Itoa(n)
		mu.Lock()
		sent[id] = time.Now()
		mu.Unlock()
		d.Handle(event(testCall(id), call.IncomingRing))
		select {
		case <-opened:
		case <-time.After(time.Minute):
			b.Fatalf("call %d: the browser hook did not open within a minute", n)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}
