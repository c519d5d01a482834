package sip

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
)

// step is one thing a source reports to the tracker.
type step struct {
	op      string // ring, answer, end
	id      string
	dir     call.Direction
	outcome call.Outcome
	after   time.Duration // clock advance before the step
}

func ring(id string, dir call.Direction) step { return step{op: "ring", id: id, dir: dir} }
func answerAfter(id string, d time.Duration) step {
	return step{op: "answer", id: id, after: d}
}
func endAfter(id string, o call.Outcome, d time.Duration) step {
	return step{op: "end", id: id, outcome: o, after: d}
}

func TestTrackerPhases(t *testing.T) {
	sec := time.Second
	for _, tc := range []struct {
		name  string
		steps []step
		want  []string // trigger(outcome)
	}{
		{"incoming answered", []step{ring("a", call.In), answerAfter("a", sec), endAfter("a", call.Answered, 3*sec)},
			[]string{"incoming.ring()", "incoming.answer()", "incoming.hangup(answered)"}},
		{"outgoing answered", []step{ring("a", call.Out), answerAfter("a", sec), endAfter("a", call.Answered, sec)},
			[]string{"outgoing.start()", "outgoing.answer()", "outgoing.hangup(answered)"}},
		{"retransmitted INVITE rings once", []step{ring("a", call.In), ring("a", call.In), ring("a", call.In)},
			[]string{"incoming.ring()"}},
		{"re-INVITE answers once", []step{ring("a", call.In), answerAfter("a", sec), ring("a", call.In), answerAfter("a", sec), endAfter("a", call.Answered, sec)},
			[]string{"incoming.ring()", "incoming.answer()", "incoming.hangup(answered)"}},
		{"forked early dialogs answer once", []step{ring("a", call.Out), answerAfter("a", sec), answerAfter("a", 0), endAfter("a", call.Answered, sec)},
			[]string{"outgoing.start()", "outgoing.answer()", "outgoing.hangup(answered)"}},
		{"late 180 after 200", []step{ring("a", call.In), answerAfter("a", sec), ring("a", call.In), endAfter("a", call.Answered, sec)},
			[]string{"incoming.ring()", "incoming.answer()", "incoming.hangup(answered)"}},
		{"missed", []step{ring("a", call.In), endAfter("a", call.Missed, sec)},
			[]string{"incoming.ring()", "incoming.hangup(missed)", "incoming.missed(missed)"}},
		{"busy", []step{ring("a", call.In), endAfter("a", call.Busy, sec)},
			[]string{"incoming.ring()", "incoming.hangup(busy)", "incoming.missed(busy)"}},
		{"rejected", []step{ring("a", call.In), endAfter("a", call.Rejected, sec)},
			[]string{"incoming.ring()", "incoming.hangup(rejected)", "incoming.missed(rejected)"}},
		{"answered elsewhere is not missed", []step{ring("a", call.In), endAfter("a", call.AnsweredElsewhere, sec)},
			[]string{"incoming.ring()", "incoming.hangup(answered_elsewhere)"}},
		{"outgoing cancelled has no missed", []step{ring("a", call.Out), endAfter("a", call.Cancelled, sec)},
			[]string{"outgoing.start()", "outgoing.hangup(cancelled)"}},
		{"answered call ends answered whatever the source says", []step{ring("a", call.In), answerAfter("a", sec), endAfter("a", call.Busy, sec)},
			[]string{"incoming.ring()", "incoming.answer()", "incoming.hangup(answered)"}},
		{"unanswered end without outcome is failed", []step{ring("a", call.In), endAfter("a", "", sec)},
			[]string{"incoming.ring()", "incoming.hangup(failed)", "incoming.missed(failed)"}},
		{"unanswered BYE is failed", []step{ring("a", call.Out), endAfter("a", call.Answered, sec)},
			[]string{"outgoing.start()", "outgoing.hangup(failed)"}},
		{"end twice", []step{ring("a", call.In), endAfter("a", call.Missed, sec), endAfter("a", call.Busy, sec)},
			[]string{"incoming.ring()", "incoming.hangup(missed)", "incoming.missed(missed)"}},
		{"answer after end", []step{ring("a", call.In), endAfter("a", call.Missed, sec), answerAfter("a", sec)},
			[]string{"incoming.ring()", "incoming.hangup(missed)", "incoming.missed(missed)"}},
		{"ring after end within linger", []step{ring("a", call.In), endAfter("a", call.Missed, sec), {op: "ring", id: "a", dir: call.In, after: time.Minute}},
			[]string{"incoming.ring()", "incoming.hangup(missed)", "incoming.missed(missed)"}},
		{"unknown call", []step{answerAfter("x", 0), endAfter("x", call.Missed, 0)}, nil},
		{"empty id", []step{ring("", call.In)}, nil},
		{"two calls", []step{ring("a", call.In), ring("b", call.Out), endAfter("b", call.Cancelled, sec), answerAfter("a", sec)},
			[]string{"incoming.ring()", "outgoing.start()", "outgoing.hangup(cancelled)", "incoming.answer()"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Unix(1_700_000_000, 0)
			var got []string
			tr := NewTracker("agent", nil, func(ev call.Event) {
				got = append(got, fmt.Sprintf("%s(%s)", ev.Trigger, ev.Call.Outcome))
			}, WithClock(func() time.Time { return now }))
			for _, s := range tc.steps {
				now = now.Add(s.after)
				switch s.op {
				case "ring":
					tr.Ring(Observation{ID: s.id, Direction: s.dir, Caller: call.Party{Number: "1"}, Callee: call.Party{Number: "2"}})
				case "answer":
					tr.Answer(s.id, time.Time{})
				case "end":
					tr.End(s.id, s.outcome, time.Time{})
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("events %v, want %v", got, tc.want)
			}
		})
	}
}

func TestTrackerSnapshots(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	var evs []call.Event
	tr := NewTracker("max", nil, func(ev call.Event) { evs = append(evs, ev) }, WithClock(func() time.Time { return now }))
	tr.Ring(Observation{ID: "c", Direction: call.In, Caller: call.Party{Number: "3001", Name: "Ann"}, Callee: call.Party{Number: "1001"},
		Headers: map[string]string{"x-ticket": "7"}})
	if got := tr.Active(); len(got) != 1 || got[0].ID != "c" {
		t.Errorf("active %v, want the ringing call", got)
	}
	tr.Answer("c", now.Add(2*time.Second))
	tr.End("c", call.Answered, now.Add(7*time.Second))
	if len(evs) != 3 {
		t.Fatalf("%d events, want 3", len(evs))
	}
	ring, ans, hang := evs[0].Call, evs[1].Call, evs[2].Call
	if ring.User != "max" || ring.Start != now || !ring.Answer.IsZero() || ring.Outcome != "" {
		t.Errorf("ring snapshot %+v, want user max, start set, not answered", ring)
	}
	if ans.Answer != now.Add(2*time.Second) || !ans.End.IsZero() {
		t.Errorf("answer snapshot answer %v end %v", ans.Answer, ans.End)
	}
	if d := hang.Duration(evs[2].At); d != 5*time.Second {
		t.Errorf("duration at hangup %v, want 5s", d)
	}
	if v, _ := hang.Header("X-Ticket"); v != "7" {
		t.Errorf("header %q, want 7", v)
	}
	if len(tr.Active()) != 0 || !tr.Known("c") {
		t.Error("ended call should be known but not active")
	}
}

func TestTrackerLingerForgets(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	n := 0
	tr := NewTracker("", nil, func(call.Event) { n++ }, WithClock(func() time.Time { return now }), WithLinger(time.Minute))
	tr.Ring(Observation{ID: "a", Direction: call.Out})
	tr.End("a", call.Cancelled, time.Time{})
	now = now.Add(2 * time.Minute)
	tr.Ring(Observation{ID: "b", Direction: call.Out}) // sweeps
	if tr.Known("a") {
		t.Error("call a still known after its linger")
	}
	if n != 3 {
		t.Errorf("%d events, want 3", n)
	}
}

func TestTrackerQueueCall(t *testing.T) {
	var evs []call.Event
	tr := NewTracker("agent", []QueueRule{{Name: "Support", Numbers: []string{"200"}, DisplayPrefix: "Support:"}},
		func(ev call.Event) { evs = append(evs, ev) })
	tr.Ring(Observation{ID: "q", Direction: call.In, Caller: call.Party{Number: "3001", Name: "Support: Ann"},
		Callee: call.Party{Number: "1001"}})
	tr.End("q", call.Missed, time.Time{})
	tr.Ring(Observation{ID: "o", Direction: call.Out, Callee: call.Party{Number: "200"}})
	var got []string
	for _, ev := range evs {
		got = append(got, string(ev.Trigger)+"/"+ev.Call.Queue+"/"+ev.Call.Caller.Name)
	}
	want := []string{"queue.ring/Support/Ann", "queue.hangup/Support/Ann", "queue.missed/Support/Ann", "outgoing.start//"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("events %v, want %v", got, want)
	}
	tr.SetQueues("agent", nil)
	tr.Ring(Observation{ID: "q2", Direction: call.In, Callee: call.Party{Number: "200"}})
	if q := evs[len(evs)-1].Call.Queue; q != "" {
		t.Errorf("queue %q after rules removed, want direct call", q)
	}
}

// Events of one call leave in phase order even when sources report from
// many goroutines at once.
func TestTrackerConcurrentOrder(t *testing.T) {
	var mu sync.Mutex
	seen := map[string][]call.Phase{}
	tr := NewTracker("", nil, func(ev call.Event) {
		mu.Lock()
		seen[ev.Call.ID] = append(seen[ev.Call.ID], ev.Trigger.Phase())
		mu.Unlock()
	})
	var wg sync.WaitGroup
	for i := range 50 {
		id := fmt.Sprint("c", i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			var inner sync.WaitGroup
			tr.Ring(Observation{ID: id, Direction: call.In})
			for range 4 {
				inner.Add(1)
				go func() {
					defer inner.Done()
					tr.Ring(Observation{ID: id, Direction: call.In})
					tr.Answer(id, time.Time{})
				}()
			}
			inner.Wait()
			tr.End(id, call.Answered, time.Time{})
		}()
	}
	wg.Wait()
	for id, ph := range seen {
		if fmt.Sprint(ph) != fmt.Sprint([]call.Phase{call.PhaseRing, call.PhaseAnswer, call.PhaseHangup}) {
			t.Errorf("%s: phases %v", id, ph)
		}
	}
	if len(seen) != 50 {
		t.Errorf("%d calls, want 50", len(seen))
	}
}
