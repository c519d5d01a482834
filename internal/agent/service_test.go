package agent

import (
	"context"
	"errors"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/sip"
	"github.com/callhook/callhook/ui"
)

var callTriggers = []call.Trigger{call.IncomingRing, call.IncomingAnswer, call.IncomingHangup}

func TestServiceSimulateCallThenWait(t *testing.T) {
	rcv := newReceiver(t, http.StatusOK)
	b := newBed(t, configWith(rcv.hook("crm", 0, callTriggers...)))
	sim := sip.Simulation{Direction: call.In, Remote: "+4930123", ID: "client-chosen",
		AnswerAfter: 50 * time.Millisecond, HangupAfter: 50 * time.Millisecond}
	start := time.Now()
	id, err := b.svc.SimulateCall(t.Context(), sim)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d >= sim.AnswerAfter+sim.HangupAfter {
		t.Errorf("SimulateCall returned after %v: it waited for the call", d)
	}
	if id == "" || id == sim.ID {
		t.Errorf("SimulateCall id %q: want one of the service's, not the client's %q", id, sim.ID)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := b.svc.Wait(ctx, id); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if d := time.Since(start); d < sim.AnswerAfter+sim.HangupAfter {
		t.Errorf("Wait returned %v after the start of a call that lasts %v", d, sim.AnswerAfter+sim.HangupAfter)
	}
	var got []call.Trigger
	for _, h := range rcv.hits(id) {
		got = append(got, h.trigger)
	}
	if !slices.Equal(got, callTriggers) {
		t.Errorf("receiver got %v for call %s when Wait returned, want %v", got, id, callTriggers)
	}
	rows, err := b.svc.History(t.Context(), 10)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(rows, func(r ui.CallRow) bool { return r.Call.ID == id })
	if i < 0 {
		t.Fatalf("History has no call %s: %+v", id, rows)
	}
	row := rows[i]
	if row.Call.End.IsZero() || row.Call.Remote().Number != "+4930123" {
		t.Errorf("History call = %+v, want ended, with +4930123", row.Call)
	}
	if len(row.Deliveries) != len(callTriggers) {
		t.Errorf("History has %d deliveries, want %d: %+v", len(row.Deliveries), len(callTriggers), row.Deliveries)
	}
	for _, d := range row.Deliveries {
		if d.State != hooks.StateDelivered || d.HookID != "crm" || d.StatusCode != http.StatusOK {
			t.Errorf("delivery %s: state %s, hook %s, status %d; want delivered by crm with 200", d.Trigger, d.State, d.HookID, d.StatusCode)
		}
	}
	if slices.ContainsFunc(rows, func(r ui.CallRow) bool { return r.Call.ID == sim.ID }) {
		t.Errorf("History has a call with the client's id %q", sim.ID)
	}
}

func TestServiceWaitHonoursContext(t *testing.T) {
	rcv := newReceiver(t, http.StatusServiceUnavailable)
	b := newBed(t, configWith(rcv.hook("crm", 5, call.IncomingRing)))
	id, err := b.svc.SimulateCall(t.Context(), sip.Simulation{Direction: call.In, Remote: "+4930123"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.svc.Wait(ctx, id) }()
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not return 10 s after its context ended")
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait = %v, want the context's deadline error", err)
	}
	if rcv.count() == 0 {
		t.Error("the receiver got no attempt: Wait's error is not about a delivery being retried")
	}
}

func TestServiceHookTest(t *testing.T) {
	rcv := newReceiver(t, http.StatusOK)
	b := newBed(t, configWith(rcv.hook("crm", 0, call.IncomingAnswer)))
	res, err := b.svc.HookTest(t.Context(), "crm", call.IncomingAnswer)
	if err != nil {
		t.Fatalf("HookTest crm: %v", err)
	}
	if res.StatusCode != http.StatusOK || res.HookID != "crm" {
		t.Errorf("HookTest crm = status %d, hook %q; want 200 from crm", res.StatusCode, res.HookID)
	}
	if got := rcv.hits(""); len(got) != 1 || got[0].trigger != call.IncomingAnswer {
		t.Errorf("receiver got %+v, want one incoming.answer", got)
	}

	_, err = b.svc.HookTest(t.Context(), "nope", call.IncomingAnswer)
	if err == nil || !strings.Contains(err.Error(), `"nope"`) || !strings.Contains(err.Error(), "callhook hooks list") {
		t.Errorf("HookTest nope = %v, want an error naming \"nope\" and `callhook hooks list`", err)
	}
	if n := rcv.count(); n != 1 {
		t.Errorf("receiver got %d requests after the unknown id, want 1", n)
	}
}

func TestServiceStatus(t *testing.T) {
	rcv := newReceiver(t, http.StatusServiceUnavailable)
	b := newBed(t, configWith(rcv.hook("crm", 5, call.IncomingRing), rcv.hook("erp", 5, call.IncomingAnswer)))
	st := b.svc.Status(t.Context())
	for _, f := range []struct {
		name      string
		got, want any
	}{
		{"Kind", st.Kind, KindRun},
		{"PID", st.PID, os.Getpid()},
		{"Version", st.Version, "test"},
		{"Config", st.Config, b.config},
		{"Data", st.Data, b.e.DataDir()},
		{"Enabled", st.Enabled, true},
		{"Hooks", st.Hooks, 2},
		{"Mode", st.Mode, hooks.SourceNone},
		{"Source.State", st.Source.State, string(sip.StateOff)},
		{"Calls", len(st.Calls), 0},
		{"Pending", st.Pending, 0},
		{"Window", st.Window, false},
		{"Tray", st.Tray, false},
	} {
		if f.got != f.want {
			t.Errorf("Status.%s = %v, want %v", f.name, f.got, f.want)
		}
	}
	if st.Started.IsZero() || st.Started.After(time.Now()) {
		t.Errorf("Status.Started = %v", st.Started)
	}

	ev := subscribe(t, b.svc)
	id, err := b.svc.SimulateCall(t.Context(), sip.Simulation{Direction: call.In, Remote: "+4930123"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a failed first attempt, to be retried", 10*time.Second, func() bool {
		return slices.ContainsFunc(ev.deliveries(id), func(e ui.Event) bool {
			return e.Delivery.State == hooks.StatePending && !e.Delivery.Final
		})
	})
	if st := b.svc.Status(t.Context()); st.Pending < 1 {
		t.Errorf("Status.Pending = %d after a failed first attempt with retries left, want > 0", st.Pending)
	}
}

func TestServiceShowWindowWithoutWindow(t *testing.T) {
	b := newBed(t, configWith())
	err := b.svc.ShowWindow()
	if err == nil || !strings.Contains(err.Error(), "no window") || !strings.Contains(err.Error(), KindRun) {
		t.Errorf("ShowWindow = %v, want an error saying callhook run has no window", err)
	}
}

func TestServicePublishesDeliveriesAndFailing(t *testing.T) {
	rcv := newReceiver(t, http.StatusBadRequest)
	b := newBed(t, configWith(rcv.hook("crm", 0, call.IncomingRing)))
	ev := subscribe(t, b.svc)
	if b.svc.Failing() {
		t.Fatal("Failing before any delivery")
	}

	// simulate plays one unanswered call and returns its final
	// DeliveryDone event.
	simulate := func(state hooks.State) ui.Event {
		t.Helper()
		id, err := b.svc.SimulateCall(t.Context(), sip.Simulation{Direction: call.In, Remote: "+4930123"})
		if err != nil {
			t.Fatal(err)
		}
		var final ui.Event
		waitFor(t, "the final DeliveryDone event of "+id, 10*time.Second, func() bool {
			for _, e := range ev.deliveries(id) {
				if e.Delivery.Final {
					final = e
					return true
				}
			}
			return false
		})
		d := final.Delivery
		if d.HookID != "crm" || d.Trigger != call.IncomingRing || d.State != state || d.WebhookID == "" || final.Call.ID != id {
			t.Errorf("DeliveryDone = %+v (call %q), want crm's incoming.ring %s for call %s", d, final.Call.ID, state, id)
		}
		return final
	}

	simulate(hooks.StateFailed)
	if !b.svc.Failing() {
		t.Error("Failing = false after a failed delivery")
	}
	rcv.status.Store(http.StatusOK)
	simulate(hooks.StateDelivered)
	if b.svc.Failing() {
		t.Error("Failing = true after a delivered delivery")
	}
}
