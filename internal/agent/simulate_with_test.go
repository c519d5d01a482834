package agent

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
)

// SimulateWith plays a call of the queue asked for: the queue's hooks
// fire, the direct calls' do not.
func TestServiceSimulateWithQueue(t *testing.T) {
	rcv := newReceiver(t, http.StatusOK)
	b := newBed(t, configWith(rcv.hook("queue", 0, call.QueueRing), rcv.hook("direct", 0, call.IncomingRing)))
	if err := b.svc.SimulateWith(t.Context(), call.In, "+4930123", "Jane Doe", "sales"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the queue.ring delivery", 10*time.Second, func() bool {
		return slices.ContainsFunc(rcv.hits(""), func(h hit) bool { return h.trigger == call.QueueRing })
	})
	calls := b.svc.ActiveCalls()
	if len(calls) != 1 || calls[0].Queue != "sales" || calls[0].Remote().Name != "Jane Doe" {
		t.Errorf("active calls %+v, want Jane Doe's of queue sales", calls)
	}
	if slices.ContainsFunc(rcv.hits(""), func(h hit) bool { return h.trigger == call.IncomingRing }) {
		t.Error("a direct call's hook fired for a queue call")
	}
}
