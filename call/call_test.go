package call

import (
	"fmt"
	"testing"
	"time"
)

func TestTriggerFor(t *testing.T) {
	tests := []struct {
		name   string
		dir    Direction
		queued bool
		phase  Phase
		want   Trigger
		ok     bool
	}{
		{"outgoing ring is start", Out, false, PhaseRing, OutgoingStart, true},
		{"outgoing answer", Out, false, PhaseAnswer, OutgoingAnswer, true},
		{"outgoing hangup", Out, false, PhaseHangup, OutgoingHangup, true},
		{"outgoing has no missed", Out, false, PhaseMissed, "", false},
		{"outgoing is never a queue call", Out, true, PhaseAnswer, OutgoingAnswer, true},
		{"incoming ring", In, false, PhaseRing, IncomingRing, true},
		{"incoming missed", In, false, PhaseMissed, IncomingMissed, true},
		{"queue ring", In, true, PhaseRing, QueueRing, true},
		{"queue answer", In, true, PhaseAnswer, QueueAnswer, true},
		{"queue hangup", In, true, PhaseHangup, QueueHangup, true},
		{"queue missed", In, true, PhaseMissed, QueueMissed, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := TriggerFor(tt.dir, tt.queued, tt.phase)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("TriggerFor(%s, %v, %s) = %q, %v; want %q, %v", tt.dir, tt.queued, tt.phase, got, ok, tt.want, tt.ok)
			}
			if ok && (!got.Valid() || got.Phase() != tt.phase) {
				t.Errorf("%s: Valid %v, Phase %s", got, got.Valid(), got.Phase())
			}
		})
	}
}

func TestTriggersAreElevenAndValid(t *testing.T) {
	seen := map[Trigger]bool{}
	for _, tr := range Triggers() {
		if !tr.Valid() || seen[tr] {
			t.Errorf("trigger %q invalid or repeated", tr)
		}
		seen[tr] = true
	}
	if len(seen) != 11 {
		t.Errorf("%d triggers, want 11", len(seen))
	}
	for _, bad := range []Trigger{"", "incoming", "incoming.ring ", "INCOMING.RING", "outgoing.missed"} {
		if bad.Valid() {
			t.Errorf("%q is valid", bad)
		}
	}
}

func TestDuration(t *testing.T) {
	start := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		c    Call
		now  time.Time
		want time.Duration
	}{
		{"never answered", Call{Start: start, End: start.Add(time.Minute)}, start.Add(time.Hour), 0},
		{"ended", Call{Start: start, Answer: start.Add(5 * time.Second), End: start.Add(65 * time.Second)}, start.Add(time.Hour), time.Minute},
		{"in progress counts to now", Call{Start: start, Answer: start.Add(5 * time.Second)}, start.Add(15 * time.Second), 10 * time.Second},
		{"clock skew is zero, not negative", Call{Start: start, Answer: start.Add(5 * time.Second), End: start}, start, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.Duration(tt.now); got != tt.want {
				t.Errorf("Duration = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRemoteLocalAndHeader(t *testing.T) {
	c := Call{Direction: In, Caller: Party{Number: "030123"}, Callee: Party{Number: "1002"},
		Headers: map[string]string{"x-queue": "Support"}}
	if c.Remote().Number != "030123" || c.Local().Number != "1002" {
		t.Errorf("incoming: remote %v local %v", c.Remote(), c.Local())
	}
	c.Direction = Out
	if c.Remote().Number != "1002" || c.Local().Number != "030123" {
		t.Errorf("outgoing: remote %v local %v", c.Remote(), c.Local())
	}
	if v, ok := c.Header("X-Queue"); !ok || v != "Support" {
		t.Errorf("Header(X-Queue) = %q, %v", v, ok)
	}
	if _, ok := c.Header("X-Other"); ok {
		t.Error("Header(X-Other) found")
	}
}

func ExampleTriggerFor() {
	t, _ := TriggerFor(In, true, PhaseAnswer)
	fmt.Println(t)
	// Output: queue.answer
}
