package sip

import (
	"fmt"
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
func dialogDoc(version int, state string, dialogs ...string) string {
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
			name: "stale and repeated versions are dropped",
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

func TestDialogMapperResetAcceptsNewSubscription(t *testing.T) {
	var rec recorder
	tr := NewTracker("max", nil, rec.handle)
	m := newDialogMapper(tr, nil)
	info := func(s string) DialogInfo {
		d, err := ParseDialogInfo([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if r := m.apply(entity1002, info(dialogDoc(7, "full"))); r != applied {
		t.Fatalf("first document: %v", r)
	}
	if r := m.apply(entity1002, info(dialogDoc(1, "full", dlg("d", "c9", "recipient", "early", "")))); r != stale {
		t.Fatalf("older version before reset: %v, want stale", r)
	}
	m.reset(entity1002)
	if r := m.apply(entity1002, info(dialogDoc(1, "full", dlg("d", "c9", "recipient", "early", "")))); r != applied {
		t.Fatalf("version 1 of a new subscription: %v, want applied", r)
	}
	evs := rec.snapshot()
	if len(evs) != 1 || evs[0].Trigger != call.IncomingRing || evs[0].Call.ID != "c9" || evs[0].Call.Caller.Name != "Remote" {
		t.Fatalf("events = %+v", evs)
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
