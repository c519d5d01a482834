package hooks

import (
	"context"
	"time"

	"github.com/callhook/callhook/templates"
)

// The dispatcher's goroutines: ingest writes accepted events to the
// outbox and hands new deliveries straight to their hook's lane when it
// has room; the scheduler feeds the lanes everything else that is due
// (retries, backlog, deliveries resumed after a restart); the lanes'
// workers attempt deliveries and record the outcome (lanes.go).

// ingestLoop writes accepted events to the journal until ctx ends, then
// writes what is left.
func (d *Dispatcher) ingestLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			for d.flush(context.Background()) {
			}
			return
		case <-d.wake:
		}
		for d.flush(ctx) {
		}
	}
}

// ingestRetry is how long ingest waits before writing a batch again
// after the journal refused it.
const ingestRetry = time.Second

// flush writes one batch of accepted events to the outbox and offers the
// new deliveries to their lanes. It reports whether it wrote anything.
func (d *Dispatcher) flush(ctx context.Context) bool {
	d.mu.Lock()
	n := min(len(d.queue), d.ingestSz)
	if n == 0 {
		d.mu.Unlock()
		return false
	}
	batch := d.queue[:n:n]
	d.queue = d.queue[n:]
	if len(d.queue) == 0 {
		d.queue = nil // let the backing array go
	}
	// Events are taken in order, so this is the sequence number of the
	// batch's last one.
	seq := d.received - uint64(len(d.queue))
	d.mu.Unlock()

	// Claim the deliveries before they exist: once committed, the
	// scheduler may see them, and must not hand out one that ingest is
	// about to (nor may ingest hand out one the scheduler already did).
	claimed := map[string]bool{}
	for _, e := range batch {
		for _, h := range matching(e.cfg, e.ev.Trigger) {
			if id := WebhookID(e.ev.Call.ID, h.ID, e.ev.Trigger); d.claim(id) {
				claimed[id] = true
			}
		}
	}
	rows, err := d.j.ingest(ctx, batch, d.clock.Now())
	for err != nil {
		if ctx.Err() != nil {
			// Shutting down: they still must not be lost, but a broken
			// journal must not make Close wait past its deadline either.
			ctx = d.hard
		}
		if d.hard.Err() != nil {
			d.dropped.Add(uint64(len(batch)))
			d.log.Error("write call events to the journal: shutdown deadline passed, events lost", "events", len(batch), "err", err)
			for id := range claimed {
				d.release(id)
			}
			d.persisted.Store(seq)
			d.changes.notify()
			return true
		}
		d.log.Error("write call events to the journal; retrying", "events", len(batch), "err", err)
		select {
		case <-time.After(ingestRetry):
		case <-d.hard.Done():
		}
		rows, err = d.j.ingest(ctx, batch, d.clock.Now())
	}
	d.persisted.Store(seq)
	d.changes.notify()
	for i := range rows {
		id := rows[i].id
		if !claimed[id] {
			continue // cannot happen: a new row was with no worker
		}
		delete(claimed, id)
		if !d.chains.add(chainKey{rows[i].call.ID, rows[i].hook.ID}, laneOf(&rows[i].hook)) {
			// An earlier delivery of this call and hook is unfinished:
			// this one waits in the outbox for its turn.
			d.release(id)
			signal(d.kick)
			continue
		}
		if d.offer(laneOf(&rows[i].hook), job{id: id, row: &rows[i]}) {
			continue
		}
		// The hook's lane is full: the delivery stays pending in the
		// outbox and the scheduler feeds it once the lane has room. (The
		// kick covers a lane that made room before this release.)
		d.release(id)
		signal(d.kick)
	}
	// Claims of deliveries that already existed (a duplicate event): the
	// scheduler may have skipped one meanwhile.
	for id := range claimed {
		d.release(id)
		signal(d.kick)
	}
	return true
}

// job is a delivery for a lane: its id, and the row itself when it was
// just read or written (saving a read).
type job struct {
	id  string
	row *outboxRow
}

// scheduleLoop feeds due deliveries to the lanes until ctx ends, and
// prunes the journal at start and hourly.
func (d *Dispatcher) scheduleLoop(ctx context.Context) {
	d.prune()
	prune := time.NewTicker(time.Hour)
	defer prune.Stop()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		next, err := d.feedDue(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			d.log.Error("read the outbox", "err", err)
			next = d.clock.Now().Add(time.Second)
		}
		var tc <-chan time.Time
		if !next.IsZero() {
			timer.Reset(max(0, next.Sub(d.clock.Now())))
			tc = timer.C
		}
		select {
		case <-ctx.Done():
			return
		case <-d.kick:
		case <-tc:
		case <-prune.C:
			d.prune()
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
}

// inflightRecheck is how soon the scheduler looks again at a delivery it
// skipped because a worker had it.
const inflightRecheck = 250 * time.Millisecond

// feedDue hands every due pending delivery to its lane and returns when
// the next one is due (zero: none). It never waits for a lane: deliveries
// of a full lane are not even read (one hook's backlog must not hide
// another's due retry), and the lane kicks the scheduler when it has room.
func (d *Dispatcher) feedDue(ctx context.Context) (time.Time, error) {
	const page = 64
	var seq uint64 // releases before the last read of the outbox
	defer func() { d.forgetReleases(seq) }()
	for {
		full := d.lanes.full()
		if len(full) > 0 && d.chains.onlyIn(full) {
			// Nothing is pending but in lanes without room (one hook's
			// backlog): reading the outbox would only walk that backlog.
			// The lanes kick when they have room.
			return time.Time{}, nil
		}
		d.inflightMu.Lock()
		limit := len(d.inflight) + page
		seq = d.releaseSeq
		d.inflightMu.Unlock()
		rows, err := d.j.pending(ctx, limit, full)
		if err != nil {
			return time.Time{}, err
		}
		now, sent, refused := d.clock.Now(), 0, 0
		filled := map[laneKey]bool{} // lanes that filled up during this pass
		// recheck is when to look again at deliveries skipped because a
		// worker had them: one may come back pending without a kick.
		var recheck time.Time
		for i := range rows {
			r := &rows[i]
			if d.isInflight(r.row.id) {
				recheck = now.Add(inflightRecheck)
				continue
			}
			if r.due.After(now) {
				if !recheck.IsZero() && recheck.Before(r.due) {
					return recheck, nil
				}
				return r.due, nil
			}
			k := laneOf(&r.row.hook)
			if filled[k] || !d.claim(r.row.id) {
				continue
			}
			jb := job{id: r.row.id, row: &r.row}
			if d.releasedSince(r.row.id, seq) {
				// A worker finished with it after the read: the row may be
				// stale (delivered meanwhile), so the worker reads it anew.
				jb.row = nil
			}
			if !d.offer(k, jb) {
				d.release(r.row.id)
				if ctx.Err() != nil {
					return time.Time{}, ctx.Err()
				}
				filled[k] = true
				refused++
				continue
			}
			sent++
		}
		if len(rows) < limit {
			return recheck, nil
		}
		if sent == 0 && refused == 0 {
			// A full page of deliveries already with the workers: look
			// again shortly rather than spin.
			return now.Add(10 * time.Millisecond), nil
		}
	}
}

func (d *Dispatcher) prune() {
	if err := d.j.Prune(d.keepAge, d.keepMax); err != nil {
		d.log.Error("prune the journal", "err", err)
	}
}

func (d *Dispatcher) claim(id string) bool {
	d.inflightMu.Lock()
	defer d.inflightMu.Unlock()
	if _, ok := d.inflight[id]; ok {
		return false
	}
	d.inflight[id] = struct{}{}
	return true
}

func (d *Dispatcher) release(id string) {
	d.inflightMu.Lock()
	delete(d.inflight, id)
	d.releaseSeq++
	d.released[id] = d.releaseSeq
	d.inflightMu.Unlock()
}

// releasedSince reports whether id left a worker after release number seq.
func (d *Dispatcher) releasedSince(id string, seq uint64) bool {
	d.inflightMu.Lock()
	defer d.inflightMu.Unlock()
	return d.released[id] > seq
}

// forgetReleases drops what releasedSince no longer needs: releases up to
// seq, which every later read of the outbox already sees.
func (d *Dispatcher) forgetReleases(seq uint64) {
	d.inflightMu.Lock()
	defer d.inflightMu.Unlock()
	for id, n := range d.released {
		if n <= seq {
			delete(d.released, id)
		}
	}
}

func (d *Dispatcher) isInflight(id string) bool {
	d.inflightMu.Lock()
	defer d.inflightMu.Unlock()
	_, ok := d.inflight[id]
	return ok
}

// attempt makes one attempt of a delivery and records it. It reports
// whether the delivery is to be tried again.
func (d *Dispatcher) attempt(jb job) (retry bool) {
	ctx, id := d.hard, jb.id
	row := jb.row
	if row == nil {
		r, err := d.j.load(ctx, id)
		if err != nil {
			d.log.Error("load delivery", "delivery", id, "err", err)
			return
		}
		row = &r
	}
	if row.state != StatePending {
		return
	}
	h := &row.hook
	log := d.log.With("hook", h.ID)
	data := templates.Data{Trigger: row.trigger, Call: row.call, CountryCode: row.countryCode, Now: row.eventAt}
	now := d.clock.Now()
	var out outcome
	if err := d.policy.Load().refuse(h); err != nil {
		// Refused before anything is rendered or sent: the policy in
		// force now decides, not the one when the call came in.
		out = outcome{err: err, permanent: true}
	} else if h.Action == ActionBrowser {
		// Held until the outcome is recorded, so a second browser
		// delivery of this call and hook sees the first one's. Per call
		// and hook: an opener that hangs holds up nothing else.
		defer d.browserLocks.lock(chainKey{row.call.ID, h.ID})()
		opened, err := d.j.browserOpened(ctx, row.call.ID, h.ID, id)
		switch {
		case err != nil:
			log.Error("check browser deliveries", "delivery", id, "err", err)
			return
		case opened:
			out = outcome{dropped: true}
		default:
			out = openBrowser(d.opener, h, data, d.secrets)
		}
	} else {
		data.Secret = d.secrets.Get
		out = send(ctx, d.client, h, data, id, now, d.secrets)
	}
	if ctx.Err() != nil {
		// Close ran out of time: the attempt was cut short, not failed.
		// It stays pending, untouched, for the next start.
		return
	}
	no := row.attempts + 1
	// The backoff counts from the attempt's end: after a timeout of the
	// hook's length, counting from its start would retry at once.
	state, next := d.decide(h, no, out, d.clock.Now())
	rec := attemptRecord{at: now, statusCode: out.status, latency: out.latency,
		response: out.response, state: state, next: next}
	if out.err != nil {
		rec.err = out.err.Error()
	}
	if err := d.j.record(ctx, id, rec); err != nil {
		log.Error("record delivery attempt", "delivery", id, "err", err)
		return
	}
	d.changes.notify()
	if state != StatePending && d.chains.done(chainKey{row.call.ID, h.ID}, laneOf(h)) {
		signal(d.kick) // the next delivery of this call and hook is due
	}
	d.results.publish(newResult(id, row.call.ID, h, row.trigger, no, state, now, next, out))
	attrs := []any{"trigger", row.trigger, "delivery", id, "attempt", no, "state", state,
		"status", out.status, "latency", out.latency}
	switch state {
	case StateDelivered, StateDropped:
		log.Info("delivery", attrs...)
	case StatePending:
		log.Warn("delivery attempt failed; will retry", append(attrs, "err", rec.err, "next", next)...)
	default:
		log.Warn("delivery failed", append(attrs, "err", rec.err)...)
	}
	return state == StatePending
}

// decide turns an attempt's outcome into the delivery's state.
func (d *Dispatcher) decide(h *Hook, attempt int, o outcome, now time.Time) (State, time.Time) {
	switch {
	case o.dropped:
		return StateDropped, time.Time{}
	case o.ok():
		return StateDelivered, time.Time{}
	case o.permanent, h.Action == ActionBrowser, !retryable(o.status):
		return StateFailed, time.Time{}
	case attempt > h.RetriesOrDefault():
		return StateFailed, time.Time{}
	}
	return StatePending, now.Add(d.backoff.delay(attempt, o.retryAfter))
}
