// Command soak is the loopback webhook receiver of scripts/soak.sh, and
// the soak's verdict. It answers a share of requests 503 (-fail) and lets
// another share hang until the client gives up (-hang), so that Callhook
// retries; the rest it accepts with 200, recording the webhook-id header.
// GET /stats reports the counts so far, for the script's drain loop.
//
// On SIGTERM it reads Callhook's journal (in -data; stop Callhook first)
// and the sipp caller's log (-calls: "invite|answered|ended CALL-ID DATE
// TIME UNIX.MICROS" lines) and prints the delivery figures. A delivery is
// expected when the journal queued it, or when sipp completed its call
// away from the kill window (-window: a file holding "KILL,READY", the
// Unix times of the SIGKILL and of the restarted proxy listening): those
// calls must have fired every trigger of -triggers. It ends with the
// verdict line "missing webhook-ids: N" and exits 1 when N > 0.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"maps"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// killMargin widens the kill window backwards: events of a call that
// ended just before the SIGKILL may still have been in memory, not yet
// in the outbox, and are lost with the process by design.
const killMargin = 2 * time.Second

func main() {
	addr := flag.String("listen", "127.0.0.1:0", "address to listen on")
	fail := flag.Float64("fail", 0.05, "share of requests answered 503")
	hang := flag.Float64("hang", 0.01, "share of requests left hanging until the client gives up")
	maxHang := flag.Duration("max-hang", time.Minute, "longest a hanging request is held")
	hookID := flag.String("hook", "soak", "id of the hook under test")
	triggers := flag.String("triggers", "", "comma-separated triggers the hook fires on")
	data := flag.String("data", "", "Callhook's data `dir`, whose journal is read on SIGTERM")
	calls := flag.String("calls", "", "glob of the sipp caller's -trace_logs files")
	window := flag.String("window", "", "`file` holding KILL,READY: Unix times of the SIGKILL and of the restarted proxy listening")
	flag.Parse()

	r := &receiver{hook: *hookID, fail: *fail, hang: *hang, maxHang: *maxHang,
		accepted: map[string]int{}, stop: make(chan struct{})}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /hook", r.deliver)
	mux.HandleFunc("GET /stats", r.stats)
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	fmt.Fprintf(os.Stderr, "soak receiver listening on %s\n", ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	<-ctx.Done()
	close(r.stop)
	srv.Close()

	if *data == "" {
		return
	}
	kill, ready, err := parseWindow(*window)
	if err != nil {
		log.Fatal(err)
	}
	v, err := judge(r, *data, *calls, strings.Split(*triggers, ","), kill, ready)
	if err != nil {
		log.Fatal(err)
	}
	if v > 0 {
		os.Exit(1)
	}
}

// receiver is the webhook endpoint; mu guards the counts.
type receiver struct {
	hook       string
	fail, hang float64
	maxHang    time.Duration
	stop       chan struct{}

	mu       sync.Mutex
	requests int
	failed   int
	hung     int
	accepted map[string]int // webhook-id -> times answered 200
	// mismatched counts requests whose webhook-id is not the one of the
	// call, hook and trigger they carry: the id would not be stable.
	mismatched int
}

func (r *receiver) deliver(w http.ResponseWriter, req *http.Request) {
	id := req.Header.Get(hooks.HeaderWebhookID)
	q := req.URL.Query()
	want := hooks.WebhookID(q.Get("c"), r.hook, call.Trigger(q.Get("t")))
	p := rand.Float64()
	r.mu.Lock()
	r.requests++
	if id != want {
		r.mismatched++
	}
	switch {
	case p < r.hang:
		r.hung++
	case p < r.hang+r.fail:
		r.failed++
	default:
		r.accepted[id]++
	}
	r.mu.Unlock()
	switch {
	case p < r.hang:
		select {
		case <-req.Context().Done():
		case <-r.stop:
		case <-time.After(r.maxHang):
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	case p < r.hang+r.fail:
		w.WriteHeader(http.StatusServiceUnavailable)
	}
}

func (r *receiver) stats(w http.ResponseWriter, _ *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(w, "requests=%d accepted_ids=%d failed=%d hung=%d\n", r.requests, len(r.accepted), r.failed, r.hung)
}

func parseWindow(file string) (kill, ready time.Time, err error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return kill, ready, fmt.Errorf("read kill window: %w", err)
	}
	s := strings.TrimSpace(string(b))
	a, b2, ok := strings.Cut(s, ",")
	if !ok {
		return kill, ready, fmt.Errorf("read kill window %s: %q: want KILL,READY", file, s)
	}
	k, err1 := strconv.ParseFloat(a, 64)
	r, err2 := strconv.ParseFloat(b2, 64)
	if err1 != nil || err2 != nil {
		return kill, ready, fmt.Errorf("read kill window %s: %q: want Unix seconds", file, s)
	}
	return unix(k), unix(r), nil
}

func unix(secs float64) time.Time { return time.Unix(0, int64(secs*1e6)*1e3) }

// sippCall is one call as the caller's log tells it.
type sippCall struct{ invite, answered, ended time.Time }

// judge prints the delivery figures and the verdict, and returns the
// number of missing webhook-ids.
func judge(r *receiver, dataDir, callsGlob string, triggers []string, kill, ready time.Time) (int, error) {
	j, err := hooks.Open(dataDir)
	if err != nil {
		return 0, err
	}
	jcalls, err := j.Calls(context.Background(), math.MaxInt32)
	j.Close()
	if err != nil {
		return 0, err
	}
	scalls, err := readCalls(callsGlob)
	if err != nil {
		return 0, err
	}

	expected := map[string]bool{}
	states := map[string]int{}
	journaled, resumed := 0, 0
	for _, c := range jcalls {
		for _, d := range c.Deliveries {
			if d.HookID != r.hook {
				continue
			}
			journaled++
			states[string(d.State)]++
			expected[d.WebhookID] = true
			// Queued by the killed process, finished by the restarted one
			// (which may beat the script's listening check to it).
			if d.Created.Before(kill) && d.Updated.After(kill) {
				resumed++
			}
		}
	}
	inJournal := maps.Clone(expected)
	completed, clean, inWindow, answered, unqueued := 0, 0, 0, 0, 0
	from := kill.Add(-killMargin)
	for id, c := range scalls {
		if !c.answered.IsZero() {
			answered++
		}
		if c.ended.IsZero() {
			continue
		}
		completed++
		for _, t := range triggers {
			if !inJournal[hooks.WebhookID(id, r.hook, call.Trigger(t))] {
				unqueued++
			}
		}
		if c.ended.Before(from) || c.invite.After(ready) {
			clean++
			for _, t := range triggers {
				expected[hooks.WebhookID(id, r.hook, call.Trigger(t))] = true
			}
		} else {
			inWindow++
		}
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	var missing []string
	for id := range expected {
		if r.accepted[id] == 0 {
			missing = append(missing, id)
		}
	}
	slices.Sort(missing)
	unknown, dups := 0, 0
	for id, n := range r.accepted {
		if !expected[id] {
			unknown++
		}
		dups += n - 1
	}

	fmt.Printf("calls (sipp log): %d placed, %d answered, %d completed; %d completed across the kill window\n",
		len(scalls), answered, completed, inWindow)
	fmt.Printf("deliveries expected: %d = journal's %d ∪ %d completed calls away from the kill window x %d triggers (%d)\n",
		len(expected), journaled, clean, len(triggers), clean*len(triggers))
	fmt.Printf("completed calls x triggers: %d, of which the journal never queued %d (calls straddling the SIGKILL)\n",
		completed*len(triggers), unqueued)
	fmt.Printf("journal: %s; %d queued before the SIGKILL and finished after the restart\n", formatStates(states), resumed)
	fmt.Printf("receiver: %d requests: %d answered 503, %d hung until the client gave up, %d accepted\n",
		r.requests, r.failed, r.hung, r.requests-r.failed-r.hung)
	fmt.Printf("received: %d distinct webhook-ids, %d duplicates (same id accepted again), %d ids not expected, %d ids not matching call x hook x trigger\n",
		len(r.accepted), dups, unknown, r.mismatched)
	for i, id := range missing {
		if i == 10 {
			fmt.Printf("  ... and %d more\n", len(missing)-10)
			break
		}
		fmt.Printf("  missing %s\n", id)
	}
	fmt.Printf("missing webhook-ids: %d\n", len(missing))
	return len(missing), nil
}

func formatStates(states map[string]int) string {
	var parts []string
	for _, s := range []string{"delivered", "failed", "pending", "dropped"} {
		parts = append(parts, fmt.Sprintf("%d %s", states[s], s))
		delete(states, s)
	}
	for s, n := range states {
		parts = append(parts, fmt.Sprintf("%d %s", n, s))
	}
	return strings.Join(parts, ", ")
}

// readCalls reads the caller's log lines, keyed by Call-ID.
func readCalls(glob string) (map[string]*sippCall, error) {
	files, err := filepath.Glob(glob)
	if err != nil {
		return nil, fmt.Errorf("read sipp logs %s: %w", glob, err)
	}
	calls := map[string]*sippCall{}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, fmt.Errorf("read sipp log: %w", err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) != 5 {
				continue
			}
			secs, err := strconv.ParseFloat(fields[4], 64)
			if err != nil {
				fh.Close()
				return nil, fmt.Errorf("read sipp log %s: %q: %w", f, sc.Text(), err)
			}
			c := calls[fields[1]]
			if c == nil {
				c = &sippCall{}
				calls[fields[1]] = c
			}
			switch fields[0] {
			case "invite":
				c.invite = unix(secs)
			case "answered":
				c.answered = unix(secs)
			case "ended":
				c.ended = unix(secs)
			}
		}
		err = sc.Err()
		fh.Close()
		if err != nil {
			return nil, fmt.Errorf("read sipp log %s: %w", f, err)
		}
	}
	return calls, nil
}
