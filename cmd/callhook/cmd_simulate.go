package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/internal/control"
	"github.com/callhook/callhook/internal/engine"
	"github.com/callhook/callhook/sip"
	"github.com/callhook/callhook/ui"
)

func cmdSimulate(p paths, args []string, std stdio) int {
	fs := newFlags("simulate", &p, std,
		"simulate --direction in|out --remote N [--name S] [--queue Q] [--answer-after D] [--hangup-after D] [--outcome O] [--wait D]")
	dir := fs.String("direction", "in", "`in` (the agent is called) or out (the agent calls)")
	remote := fs.String("remote", "", "the other party's `number` (required)")
	name := fs.String("name", "", "the other party's display `name`")
	local := fs.String("local", "", "the agent's own `number` (default: the dialog username, else 100)")
	queue := fs.String("queue", "", "make it a call of this `queue` (incoming only)")
	answer := fs.Duration("answer-after", 0, "answer after this `duration`; 0 leaves the call unanswered")
	hangup := fs.Duration("hangup-after", 2*time.Second, "hang up this `duration` after the answer (or the ring, if unanswered)")
	outcome := fs.String("outcome", "", "`outcome` of an unanswered call: missed, busy, rejected, cancelled, answered_elsewhere, failed")
	wait := fs.Duration("wait", 30*time.Second, "wait this long for every delivery's outcome, retries included")
	if code := parseFlags(fs, args, 0); code >= 0 {
		return code
	}
	s := sip.Simulation{Direction: call.Direction(*dir), Local: *local, Remote: *remote, Name: *name, Queue: *queue,
		AnswerAfter: *answer, HangupAfter: *hangup, Outcome: call.Outcome(*outcome)}
	if msg := checkSimulation(s); msg != "" {
		fmt.Fprintf(std.err, "callhook simulate: %s\n", msg)
		return exitUsage
	}
	cfg, code := loadConfig(&p, std, true)
	if cfg == nil {
		return code
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// A running Callhook plays the call itself, so its window shows it
	// and its outbox keeps what is pending.
	dctx, dcancel := context.WithTimeout(ctx, 5*time.Second)
	c, err := dialAgent(dctx, p.data, false)
	dcancel()
	if err == nil {
		defer c.Close()
		return simulateViaAgent(ctx, c, p, cfg, s, *wait, std)
	}
	if !errors.Is(err, control.ErrNoAgent) {
		fmt.Fprintf(std.err, "callhook: the running Callhook does not answer: %v\n", err)
		return exitFailure
	}
	// The call is played under the hooks and policy that `run` and the
	// agent have in force (managed hooks, the kill switch, the allowed
	// hosts), but no call source runs: the simulated call is the only one.
	log := newLogger(std, true)
	w := policyNow(ctx, p, log)
	s.Local = localNumber(s.Local, w.Policy().Apply(cfg))
	e, err := engine.Open(p.data, cfg, log, engine.WithPolicy(w), engine.WithoutSource())
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	cancelSub := e.Dispatcher().Subscribe(func(r hooks.Result) { printResult(std, r) })
	if err := e.Start(ctx); err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	printPolicy(std, e.PolicyStatus())
	off := offNote(cfg.Enabled, e.Policy())
	if off != "" {
		fmt.Fprintln(std.out, "note: "+off+"; nothing will be sent")
	}
	id := e.Tracker().Simulate(ctx, s)
	fmt.Fprintf(std.out, "call %s ended; waiting up to %v for deliveries\n", id, *wait)
	wctx, cancel := context.WithTimeout(ctx, *wait)
	werr := e.Dispatcher().Wait(wctx, id)
	cancel()
	// Close flushes the last results to the subscriber; cancel only then.
	cctx, ccancel := context.WithTimeout(context.Background(), drainTimeout)
	defer ccancel()
	cerr := e.Close(cctx)
	cancelSub()
	return simulateSummary(std, p, id, off, werr, cerr)
}

// simulateViaAgent plays s in the running agent (or run) and prints its
// deliveries as they happen.
func simulateViaAgent(ctx context.Context, c *control.Client, p paths, cfg *hooks.Config, s sip.Simulation, wait time.Duration, std stdio) int {
	st, err := c.Status(ctx)
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	s.Local = localNumber(s.Local, st.Policy.Policy.Apply(cfg))
	fmt.Fprintf(std.out, "playing the call in the running callhook %s (pid %d)\n", st.Kind, st.PID)
	printPolicy(std, st.Policy)
	off := offNote(st.Enabled, st.Policy.Policy)
	if off != "" {
		fmt.Fprintln(std.out, "note: "+off+"; nothing will be sent")
	}
	// Events come before the call's id is known: keep them until it is.
	// Subscribe returns once the agent holds the subscription, so none of
	// the call's is missed.
	var (
		mu     sync.Mutex
		id     string
		early  []ui.DeliveryRow
		finals = map[string]bool{}
	)
	unsub := c.Subscribe(func(e ui.Event) {
		if e.Kind != ui.DeliveryDone {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case id == "":
			early = append(early, e.Delivery)
		case e.Delivery.CallID == id:
			printDelivery(std, e.Delivery)
			if e.Delivery.Final {
				finals[e.Delivery.WebhookID] = true
			}
		}
	})
	defer unsub()
	callID, err := c.SimulateCall(ctx, s)
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	mu.Lock()
	id = callID
	for _, d := range early {
		if d.CallID == id {
			printDelivery(std, d)
			if d.Final {
				finals[d.WebhookID] = true
			}
		}
	}
	early = nil
	mu.Unlock()
	fmt.Fprintf(std.out, "call %s playing; waiting up to %v for it to end and for its deliveries\n", id, wait)
	wctx, cancel := context.WithTimeout(ctx, wait)
	werr := c.Wait(wctx, id)
	cancel()
	// The stream may carry the last results a moment after Wait's
	// answer: wait for a final one of each delivery, briefly.
	if werr == nil {
		waitFinals(c, id, func() int {
			mu.Lock()
			defer mu.Unlock()
			return len(finals)
		})
	}
	unsub()
	return simulateSummary(std, p, id, off, werr, nil)
}

// waitFinals waits, up to two seconds, until seen reports a final result
// for every delivery the agent's journal holds for the call.
func waitFinals(c *control.Client, callID string, seen func() int) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rows, err := c.History(ctx, 50)
	if err != nil {
		return
	}
	want := 0
	for _, r := range rows {
		if r.Call.ID == callID {
			want = len(r.Deliveries)
		}
	}
	for seen() < want {
		select {
		case <-ctx.Done():
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// printDelivery prints one delivery attempt as the agent reports it.
func printDelivery(std stdio, d ui.DeliveryRow) {
	printResult(std, hooks.Result{Trigger: d.Trigger, HookID: d.HookID, Action: d.Action, Attempt: d.Attempts,
		State: d.State, StatusCode: d.StatusCode, Latency: d.Latency, Error: d.Err, NextAttempt: d.NextAttempt, Final: d.Final})
}

// localNumber is the agent's own number for a simulated call: local when
// given, else the dialog username of the source in force (a policy may
// fix it), else 100.
func localNumber(local string, eff *hooks.Config) string {
	switch {
	case local != "":
		return local
	case eff.Source.Dialog.Username != "":
		return eff.Source.Dialog.Username
	}
	return "100"
}

func checkSimulation(s sip.Simulation) string {
	switch {
	case s.Direction != call.In && s.Direction != call.Out:
		return fmt.Sprintf("--direction %q: want in or out", s.Direction)
	case s.Remote == "":
		return "--remote is required (the other party's number)"
	case s.Queue != "" && s.Direction != call.In:
		return "--queue is for incoming calls only"
	case s.AnswerAfter < 0 || s.HangupAfter < 0:
		return "--answer-after and --hangup-after must not be negative"
	}
	switch s.Outcome {
	case "", call.Missed, call.Busy, call.Rejected, call.Cancelled, call.AnsweredElsewhere, call.Failed:
	default:
		return fmt.Sprintf("--outcome %q: want missed, busy, rejected, cancelled, answered_elsewhere or failed", s.Outcome)
	}
	return ""
}

// printResult prints one delivery attempt as simulate goes.
func printResult(std stdio, r hooks.Result) {
	line := fmt.Sprintf("%-16s %-12s %-8s attempt %d: %s", r.Trigger, r.HookID, r.Action, r.Attempt, r.State)
	if r.StatusCode != 0 {
		line += fmt.Sprintf(" HTTP %d", r.StatusCode)
	}
	if showLatency(r) { // no "in 0 ms" after a failure without an answer
		line += fmt.Sprintf(" in %d ms", r.Latency.Milliseconds())
	}
	if r.Error != "" {
		line += " - " + r.Error
	}
	if !r.NextAttempt.IsZero() && !r.Final {
		line += fmt.Sprintf(" (retry in %v)", time.Until(r.NextAttempt).Round(100*time.Millisecond))
	}
	fmt.Fprintln(std.out, line)
}

// simulateSummary prints how each delivery of the simulated call ended;
// off says why no hook fired, when hooks are switched off. Pending
// deliveries stay in the outbox for the next `run` or GUI start.
func simulateSummary(std stdio, p paths, callID, off string, waitErr, closeErr error) int {
	jj, err := hooks.Open(p.data)
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	defer jj.Close()
	calls, err := jj.Calls(context.Background(), 50)
	if err != nil {
		fmt.Fprintf(std.err, "callhook: %v\n", err)
		return exitFailure
	}
	code := exitOK
	for _, c := range calls {
		if c.Call.ID != callID {
			continue
		}
		switch {
		case len(c.Deliveries) > 0:
		case off != "":
			fmt.Fprintln(std.out, "no hook fired: "+off)
		default:
			fmt.Fprintln(std.out, "no enabled hook fires on this call's triggers: `callhook hooks list` shows your hooks and their switches")
		}
		delivered, pending, failed := 0, 0, 0
		for _, d := range c.Deliveries {
			switch d.State {
			case hooks.StateDelivered:
				delivered++
			case hooks.StatePending:
				pending++
			default:
				failed++
			}
		}
		fmt.Fprintf(std.out, "summary: %d delivered, %d failed, %d pending\n", delivered, failed, pending)
		if pending > 0 {
			fmt.Fprintln(std.out, "pending deliveries stay in the outbox: the next `callhook run` or the app delivers them")
		}
		if failed > 0 || pending > 0 {
			code = exitFailure
		}
	}
	if waitErr != nil && closeErr == nil {
		fmt.Fprintf(std.err, "callhook: %v\n", waitErr)
	}
	return code
}
