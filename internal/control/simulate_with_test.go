//go:build cgo || !darwin

package control

import (
	"context"
	"testing"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/sip"
	"github.com/callhook/callhook/ui"
)

// SimulateWith is the window's "Simulate a call": it starts the call
// through /v1/calls/simulate, the queue along, and plays the agent's
// short call (ui.SimulatedRing ringing, ui.SimulatedTalk talking).
func TestSimulateWith(t *testing.T) {
	tests := []struct {
		name  string
		dir   call.Direction
		queue string
	}{
		{"incoming of a queue", call.In, "sales"},
		{"outgoing", call.Out, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			var got sip.Simulation
			f.SimulateCallFn = func(_ context.Context, s sip.Simulation) (string, error) {
				got = s
				return "sim-1@callhook", nil
			}
			c, _ := connect(t, f)
			if err := c.SimulateWith(t.Context(), tt.dir, "+49301234", hostileName, tt.queue); err != nil {
				t.Fatal(err)
			}
			equal(t, "simulation", got, sip.Simulation{Direction: tt.dir, Remote: "+49301234", Name: hostileName,
				Queue: tt.queue, AnswerAfter: ui.SimulatedRing, HangupAfter: ui.SimulatedTalk})
		})
	}
}
