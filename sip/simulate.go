package sip

import (
	"context"
	"fmt"
	"time"

	"github.com/callhook/callhook/call"
)

// Simulation describes a synthetic call: `callhook simulate` and the GUI's
// "Simulate a call" use it so a user sees hooks fire without a PBX.
type Simulation struct {
	Direction call.Direction
	// Local is the agent's own number; Remote and Name the other party.
	Local  string
	Remote string
	Name   string
	// Queue makes an incoming call a call of that queue.
	Queue string
	// AnswerAfter is the time from ring to answer; zero: never answered.
	AnswerAfter time.Duration
	// HangupAfter is the time from the answer (or from the ring, when
	// unanswered) to the end.
	HangupAfter time.Duration
	// Outcome of an unanswered call (default missed for incoming,
	// cancelled for outgoing).
	Outcome call.Outcome
	// ID is the call's id; empty picks one.
	ID string
}

// NewSimulationID returns a simulated call's id.
func NewSimulationID(now time.Time) string { return fmt.Sprintf("sim-%d@callhook", now.UnixNano()) }

// Simulate plays s through the tracker and returns the call's id once it
// ended. If ctx ends first, the call ends at once as failed.
func (t *Tracker) Simulate(ctx context.Context, s Simulation) string {
	id := s.ID
	if id == "" {
		id = NewSimulationID(t.now())
	}
	local := call.Party{Number: s.Local}
	remote := call.Party{Number: s.Remote, Name: s.Name}
	o := Observation{ID: id, Direction: s.Direction, Caller: remote, Callee: local}
	if s.Direction == call.Out {
		o.Caller, o.Callee = local, remote
	}
	if s.Direction == call.In {
		o.Queue = s.Queue
	}
	t.Ring(o)
	outcome := s.Outcome
	if outcome == "" {
		outcome = call.Missed
		if s.Direction == call.Out {
			outcome = call.Cancelled
		}
	}
	if s.AnswerAfter > 0 {
		if !sleep(ctx, s.AnswerAfter) {
			t.End(id, call.Failed, time.Time{})
			return id
		}
		t.Answer(id, time.Time{})
	}
	if !sleep(ctx, s.HangupAfter) {
		outcome = call.Failed
	}
	t.End(id, outcome, time.Time{})
	return id
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-ctx.Done():
		return false
	}
}
