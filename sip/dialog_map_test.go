package sip

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
)

// dialogSummary renders events as "trigger caller>callee outcome" lines.
func dialogSummary(evs []call.Event) string {
	var b strings.Builder
	for _, ev := range evs {
		fmt.Fprintf(&b, "%s %s>%s", ev.Trigger, ev.Call.Caller.Number, ev.Call.Callee.Number)
		if ev.Call.Outcome != "" {
			fmt.Fprintf(&b, " %s", ev.Call.Outcome)
		}
		b.WriteString("\n")
	}
	return b.String()
}

const entity1002 = "sip:1002@127.0.0.1"

// dialogDoc builds a dialog-info document for 1002.
func dialogDoc(version uint64, state string, dialogs ...string) string {
	return fmt.Sprintf(`<?xml version="1.0"?><dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="%d" state="%s" entity="%s">%s</dialog-info>`,
		version, state, entity1002, strings.Join(dialogs, ""))
}

// dlg builds one dialog element; attrs go on <state>.
func dlg(id, callID, dir, state, attrs string) string {
	local, remote := "sip:1002@127.0.0.1", "sip:1001@127.0.0.1"
	if dir == "initiator" {
		remote = "sip:1003@127.0.0.1"
	}
	return fmt.Sprintf(`<dialog id="%s" call-id="%s" direction="%s"><state %s>%s</state>`+
		`<local><identity>%s</identity></local><remote><identity display="Remote">%s</identity></remote></dialog>`,
		id, callID, dir, attrs, state, local, remote)
}

func dialogSample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/dialoginfo/" + name + ".xml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDialogMapper(t *testing.T) {
	in := func(state, attrs string) string { return dlg("d1", "c1", "recipient", state, attrs) }
	out := func(state, attrs string) string { return dlg("d1", "c1", "initiator", state, attrs) }
	tests := []struct {
		name string
		docs []string // "@name" loads testdata/dialoginfo/name.xml
		want string
	}{
		{
			name: "kamailio incoming answered, ended dialogs linger",
			docs: []string{"", "@kamailio_incoming_early", "@kamailio_incoming_confirmed", "@kamailio_incoming_terminated", "@kamailio_outgoing_trying_lingering"},
			want: "incoming.ring 1001>1002\nincoming.answer 1001>1002\nincoming.hangup 1001>1002 answered\noutgoing.start 1002>1003\n",
		},
		{
			name: "kamailio outgoing answered",
			docs: []string{"@kamailio_outgoing_trying_lingering", "@kamailio_outgoing_confirmed", "@kamailio_outgoing_terminated"},
			want: "outgoing.start 1002>1003\noutgoing.answer 1002>1003\noutgoing.hangup 1002>1003 answered\n",
		},
		{
			name: "incoming missed",
			docs: []string{dialogDoc(1, "full", in("early", "")), dialogDoc(2, "full", in("terminated", ""))},
			want: "incoming.ring 1001>1002\nincoming.hangup 1001>1002 missed\nincoming.missed 1001>1002 missed\n",
		},
		{
			name: "incoming rejected",
			docs: []string{dialogDoc(1, "full", in("Early", "")), dialogDoc(2, "partial", in("Terminated", `event="rejected"`))},
			want: "incoming.ring 1001>1002\nincoming.hangup 1001>1002 rejected\nincoming.missed 1001>1002 rejected\n",
		},
		{
			name: "incoming busy",
			docs: []string{dialogDoc(1, "full", in("trying", "")), dialogDoc(2, "full", in("terminated", `event="rejected" code="486"`))},
			want: "incoming.ring 1001>1002\nincoming.hangup 1001>1002 busy\nincoming.missed 1001>1002 busy\n",
		},
		{
			name: "answered elsewhere is not missed",
			docs: []string{dialogDoc(1, "full", in("early", "")), dialogDoc(2, "full", in("terminated", `event="cancelled" code="200"`))},
			want: "incoming.ring 1001>1002\nincoming.hangup 1001>1002 answered_elsewhere\n",
		},
		{
			name: "picked up elsewhere",
			docs: []string{dialogDoc(1, "full", in("early", "")), dialogDoc(2, "full", in("terminated", `event="replaced"`))},
			want: "incoming.ring 1001>1002\nincoming.hangup 1001>1002 answered_elsewhere\n",
		},
		{
			name: "first seen confirmed rings then answers",
			docs: []string{dialogDoc(5, "full", in("CONFIRMED", "")), dialogDoc(6, "full", in("terminated", `event="remote-bye"`))},
			want: "incoming.ring 1001>1002\nincoming.answer 1001>1002\nincoming.hangup 1001>1002 answered\n",
		},
		{
			name: "outgoing cancelled after ringing",
			docs: []string{dialogDoc(1, "full", out("trying", "")), dialogDoc(2, "full", out("early", "")), dialogDoc(3, "full", out("terminated", ""))},
			want: "outgoing.start 1002>1003\noutgoing.hangup 1002>1003 cancelled\n",
		},
		{
			name: "outgoing failed before ringing",
			docs: []string{dialogDoc(1, "full", out("trying", "")), dialogDoc(2, "full", out("terminated", `code="404"`))},
			want: "outgoing.start 1002>1003\noutgoing.hangup 1002>1003 failed\n",
		},
		{
			name: "forked early dialogs are one call",
			docs: []string{
				dialogDoc(1, "full", dlg("f1", "c1", "recipient", "early", ""), dlg("f2", "c1", "recipient", "early", "")),
				dialogDoc(2, "partial", dlg("f2", "c1", "recipient", "terminated", "")),
				dialogDoc(3, "partial", dlg("f1", "c1", "recipient", "confirmed", "")),
				dialogDoc(4, "partial", dlg("f1", "c1", "recipient", "terminated", `event="local-bye"`)),
			},
			want: "incoming.ring 1001>1002\nincoming.answer 1001>1002\nincoming.hangup 1001>1002 answered\n",
		},
		{
			name: "full documents apply whatever their version",
			docs: []string{dialogDoc(3, "full", in("confirmed", "")), dialogDoc(2, "full", in("early", "")), dialogDoc(3, "full", in("terminated", "")), dialogDoc(4, "full", in("terminated", ""))},
			want: "incoming.ring 1001>1002\nincoming.answer 1001>1002\nincoming.hangup 1001>1002 answered\n",
		},
		{
			name: "partial document after a gap is dropped",
			docs: []string{dialogDoc(1, "full", in("early", "")), dialogDoc(3, "partial", in("terminated", ""))},
			want: "incoming.ring 1001>1002\n",
		},
		{
			name: "full document without the call ends it",
			docs: []string{dialogDoc(1, "full", in("early", "")), dialogDoc(2, "full")},
			want: "incoming.ring 1001>1002\nincoming.hangup 1001>1002 missed\nincoming.missed 1001>1002 missed\n",
		},
		{
			name: "terminated dialog never seen active does not fire",
			docs: []string{dialogDoc(1, "full", in("terminated", "")), dialogDoc(2, "full", in("confirmed", ""))},
			want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec recorder
			now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			clock := func() time.Time { now = now.Add(time.Second); return now }
			tr := NewTracker("max", nil, rec.handle, WithClock(clock))
			m := newDialogMapper(tr, clock)
			for i, d := range tt.docs {
				if strings.HasPrefix(d, "@") {
					d = dialogSample(t, d[1:])
				}
				info, err := ParseDialogInfo([]byte(d))
				if err != nil {
					t.Fatalf("doc %d: %v", i, err)
				}
				m.apply(entity1002, info)
			}
			if got := dialogSummary(rec.snapshot()); got != tt.want {
				t.Errorf("events:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func mustDialogInfo(t *testing.T, doc string) DialogInfo {
	t.Helper()
	info, err := ParseDialogInfo([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// TestDialogMapperVersions checks the version rules of RFC 4235 section
// 4.1 against notifiers that restart or count to the end.
func TestDialogMapperVersions(t *testing.T) {
	const top = math.MaxUint64
	in := func(id, state string) string { return dlg("d"+id, id, "recipient", state, "") }
	type step struct {
		doc     string
		want    applyResult
		restart bool
	}
	tests := []struct {
		name  string
		steps []step
		want  string
	}{
		{
			name: "counter wraps after the maximum",
			steps: []step{
				{doc: dialogDoc(top, "full", in("c1", "early"))},
				{doc: dialogDoc(0, "partial", in("c1", "terminated"))},
			},
			want: "incoming.ring 1001>1002\nincoming.hangup 1001>1002 missed\nincoming.missed 1001>1002 missed\n",
		},
		{
			name: "full document with a lower version is a restart",
			steps: []step{
				{doc: dialogDoc(top, "full", in("c1", "confirmed"))},
				{doc: dialogDoc(0, "full", in("c2", "early")), restart: true},
				{doc: dialogDoc(1, "partial", in("c2", "confirmed"))},
			},
			want: "incoming.ring 1001>1002\nincoming.answer 1001>1002\n" + // c1
				"incoming.ring 1001>1002\nincoming.hangup 1001>1002 answered\n" + // c2 rings, c1 not listed
				"incoming.answer 1001>1002\n", // c2
		},
		{
			name: "partial document with a lower version asks for full state",
			steps: []step{
				{doc: dialogDoc(5, "full", in("c1", "early"))},
				{doc: dialogDoc(2, "partial", in("c1", "confirmed")), want: gap},
				{doc: dialogDoc(3, "full", in("c1", "confirmed")), restart: true},
			},
			want: "incoming.ring 1001>1002\nincoming.answer 1001>1002\n",
		},
		{
			name: "repeated partial document is dropped",
			steps: []step{
				{doc: dialogDoc(1, "full", in("c1", "early"))},
				{doc: dialogDoc(2, "partial", in("c1", "confirmed"))},
				{doc: dialogDoc(2, "partial", in("c1", "terminated")), want: stale},
			},
			want: "incoming.ring 1001>1002\nincoming.answer 1001>1002\n",
		},
		{
			name: "partial document first asks for full state",
			steps: []step{
				{doc: dialogDoc(0, "partial", in("c1", "early")), want: gap},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec recorder
			m := newDialogMapper(NewTracker("max", nil, rec.handle), nil)
			for i, s := range tt.steps {
				r := m.apply(entity1002, mustDialogInfo(t, s.doc))
				if r.result != s.want || r.restart != s.restart {
					t.Errorf("doc %d: %+v, want result %v restart %v", i, r, s.want, s.restart)
				}
			}
			if got := dialogSummary(rec.snapshot()); got != tt.want {
				t.Errorf("events:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// TestDialogMapperReset checks that a new subscription's documents are
// not taken to follow the last one's: its first partial asks for full
// state.
func TestDialogMapperReset(t *testing.T) {
	var rec recorder
	m := newDialogMapper(NewTracker("max", nil, rec.handle), nil)
	if r := m.apply(entity1002, mustDialogInfo(t, dialogDoc(7, "full"))); r.result != applied {
		t.Fatalf("first document: %+v", r)
	}
	m.reset(entity1002)
	if r := m.apply(entity1002, mustDialogInfo(t, dialogDoc(8, "partial", dlg("d", "c9", "recipient", "early", "")))); r.result != gap {
		t.Fatalf("partial document of a new subscription: %+v, want gap", r)
	}
	if r := m.apply(entity1002, mustDialogInfo(t, dialogDoc(1, "full", dlg("d", "c9", "recipient", "early", "")))); r.result != applied || r.restart {
		t.Fatalf("version 1 of a new subscription: %+v, want applied, no restart", r)
	}
	evs := rec.snapshot()
	if len(evs) != 1 || evs[0].Trigger != call.IncomingRing || evs[0].Call.ID != "c9" || evs[0].Call.Caller.Name != "Remote" {
		t.Fatalf("events = %+v", evs)
	}
}

// ringing returns n early incoming dialogs with call-ids prefix0...
func ringing(prefix string, n int) []string {
	var out []string
	for i := range n {
		id := fmt.Sprintf("%s%d", prefix, i)
		out = append(out, dlg("d"+id, id, "recipient", "early", ""))
	}
	return out
}

// TestDialogMapperCaps plays the notifier of issue #10, whose partial
// documents listed 180 new dialogs each.
func TestDialogMapperCaps(t *testing.T) {
	var rec recorder
	m := newDialogMapper(NewTracker("max", nil, rec.handle), nil)
	r := m.apply(entity1002, mustDialogInfo(t, dialogDoc(1, "full", ringing("a", 180)...)))
	if r.skipped != 180-maxDocDialogs || r.refused != maxDocDialogs-maxExtCalls {
		t.Errorf("first document: %+v, want %d skipped, %d refused", r, 180-maxDocDialogs, maxDocDialogs-maxExtCalls)
	}
	for v := range uint64(60) {
		m.apply(entity1002, mustDialogInfo(t, dialogDoc(2+v, "partial", ringing(fmt.Sprintf("p%d-", v), 180)...)))
	}
	if n := len(rec.snapshot()); n != maxExtCalls {
		t.Fatalf("%d events, want %d rings", n, maxExtCalls)
	}
	// Calls that end make room again.
	m.apply(entity1002, mustDialogInfo(t, dialogDoc(100, "full")))
	m.apply(entity1002, mustDialogInfo(t, dialogDoc(101, "full", ringing("b", 1)...)))
	evs := rec.snapshot()
	if last := evs[len(evs)-1]; last.Trigger != call.IncomingRing || last.Call.ID != "b0" {
		t.Errorf("after the calls ended, last event %s %s, want the ring of b0", last.Trigger, last.Call.ID)
	}
}

// TestDialogMapperCapKeepsListedCalls checks that a full document over
// maxDocDialogs does not end the calls it lists past the cap.
func TestDialogMapperCapKeepsListedCalls(t *testing.T) {
	var rec recorder
	m := newDialogMapper(NewTracker("max", nil, rec.handle), nil)
	calls := ringing("c", 10)
	m.apply(entity1002, mustDialogInfo(t, dialogDoc(1, "full", calls...)))
	var ended []string
	for i := range maxDocDialogs - 4 {
		ended = append(ended, dlg(fmt.Sprintf("dx%d", i), fmt.Sprintf("x%d", i), "recipient", "terminated", ""))
	}
	m.apply(entity1002, mustDialogInfo(t, dialogDoc(2, "full", append(ended, calls...)...)))
	if got, want := dialogSummary(rec.snapshot()), strings.Repeat("incoming.ring 1001>1002\n", 10); got != want {
		t.Errorf("events:\n%s\nwant:\n%s", got, want)
	}
}

func TestDialogMapperQueueTarget(t *testing.T) {
	var rec recorder
	tr := NewTracker("max", []QueueRule{{Name: "Support", Numbers: []string{"200"}}}, rec.handle)
	m := newDialogMapper(tr, nil)
	info, err := ParseDialogInfo([]byte(dialogSample(t, "prefixed_namespace")))
	if err != nil {
		t.Fatal(err)
	}
	m.apply("sip:1002@pbx.example.com", info)
	evs := rec.snapshot()
	if len(evs) != 1 || evs[0].Trigger != call.QueueRing || evs[0].Call.Caller.Number != "+4930123456" {
		t.Fatalf("events = %+v", evs)
	}
}

// TestDialogMapperEndedBounded: the dialogs the mapper remembers as ended
// (so that a lingering listing does not start its call again) stay
// bounded when a notifier lists new terminated dialogs without end, as
// the ended calls of a flood of ring-and-hang-up documents do: every
// document of 64 added 64 entries, each kept for 15 minutes.
func TestDialogMapperEndedBounded(t *testing.T) {
	var rec recorder
	m := newDialogMapper(NewTracker("max", nil, rec.handle), nil)
	if r := m.apply(entity1002, mustDialogInfo(t, dialogDoc(1, "full", dlg("d0", "c0", "recipient", "terminated", "")))); r.result != applied {
		t.Fatalf("first document: %+v", r)
	}
	v := uint64(2)
	for i := range 2 * maxEnded / maxDocDialogs {
		var ds []string
		for j := range maxDocDialogs {
			id := fmt.Sprintf("t%d-%d", i, j)
			ds = append(ds, dlg("d"+id, id, "recipient", "terminated", ""))
		}
		m.apply(entity1002, mustDialogInfo(t, dialogDoc(v, "partial", ds...)))
		v++
	}
	for i := range 200 {
		id := fmt.Sprintf("r%d", i)
		m.apply(entity1002, mustDialogInfo(t, dialogDoc(v, "partial", dlg("d"+id, id, "recipient", "early", ""))))
		m.apply(entity1002, mustDialogInfo(t, dialogDoc(v+1, "partial", dlg("d"+id, id, "recipient", "terminated", ""))))
		v += 2
	}
	m.mu.Lock()
	n := len(m.ended)
	m.mu.Unlock()
	if n > maxEnded {
		t.Errorf("the mapper remembers %d ended dialogs, want at most %d", n, maxEnded)
	}
	// The calls that rang last are remembered: listed again as
	// terminated, or lingering, they do not ring again.
	before := len(rec.snapshot())
	m.apply(entity1002, mustDialogInfo(t, dialogDoc(v, "partial", dlg("dr199", "r199", "recipient", "early", ""))))
	if got := len(rec.snapshot()); got != before {
		t.Errorf("a call that ended rang again after the flood: %d events, want %d", got, before)
	}
}
