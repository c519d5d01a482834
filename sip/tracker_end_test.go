package sip

import (
	"slices"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
)

// triggersOf lists the events' triggers with their call ids and outcomes.
func triggersOf(evs []call.Event) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, ev.Call.ID+" "+string(ev.Trigger)+" "+string(ev.Call.Outcome))
	}
	return out
}

func TestTrackerEndAll(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	var evs []call.Event
	tr := NewTracker("max", nil, func(ev call.Event) { evs = append(evs, ev) }, WithClock(func() time.Time { return now }))
	tr.Ring(Observation{ID: "ringing", Direction: call.In})
	tr.Ring(Observation{ID: "talking", Direction: call.Out})
	tr.Answer("talking", time.Time{})
	tr.Ring(Observation{ID: "over", Direction: call.Out})
	tr.End("over", call.Busy, time.Time{})
	evs = nil

	tr.EndAll(call.Failed)
	got := triggersOf(evs)
	slices.Sort(got)
	want := []string{"ringing incoming.hangup failed", "ringing incoming.missed failed", "talking outgoing.hangup answered"}
	if !slices.Equal(got, want) {
		t.Errorf("EndAll fired %q, want %q", got, want)
	}
	if a := tr.Active(); len(a) != 0 {
		t.Errorf("calls still in progress after EndAll: %+v", a)
	}
	evs = nil
	tr.End("ringing", call.Missed, time.Time{})
	tr.EndAll(call.Failed)
	if len(evs) != 0 {
		t.Errorf("events after the calls ended: %q", triggersOf(evs))
	}
}

func TestTrackerMaxAge(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	var evs []call.Event
	tr := NewTracker("max", nil, func(ev call.Event) { evs = append(evs, ev) }, WithClock(func() time.Time { return now }),
		WithMaxAge(time.Hour))
	tr.Ring(Observation{ID: "lost", Direction: call.In})
	now = now.Add(30 * time.Minute)
	tr.Ring(Observation{ID: "young", Direction: call.In})
	now = now.Add(31 * time.Minute)
	evs = nil

	tr.Expire()
	want := []string{"lost incoming.hangup failed", "lost incoming.missed failed"}
	if got := triggersOf(evs); !slices.Equal(got, want) {
		t.Errorf("Expire fired %q, want %q", got, want)
	}
	if a := tr.Active(); len(a) != 1 || a[0].ID != "young" {
		t.Errorf("in progress after Expire: %+v, want only young", a)
	}
	if !evs[0].Call.End.Equal(now) {
		t.Errorf("lost call ended at %v, want %v", evs[0].Call.End, now)
	}

	// Ring sweeps too, before its own event.
	now = now.Add(time.Hour)
	evs = nil
	tr.Ring(Observation{ID: "next", Direction: call.Out})
	want = []string{"young incoming.hangup failed", "young incoming.missed failed", "next outgoing.start "}
	if got := triggersOf(evs); !slices.Equal(got, want) {
		t.Errorf("Ring fired %q, want %q", got, want)
	}
}
