package hooks

import (
	"context"
	"sync"
)

// Lanes give every hook its own bounded concurrency, so that a receiver
// that hangs slows only its own hook. A lane is the deliveries of one hook
// of one kind: HTTP or browser, so that a page to open never waits behind
// a request, not even one of a hook whose action was changed. A lane runs
// at most limit attempts at once and queues depth more; what does not fit
// stays pending in the outbox, where a backlog belongs, and the scheduler
// reads it when the lane has room again. A lane's workers start when it
// gets work and end when it has none, so an idle hook costs nothing, and
// at most limit goroutines per configured hook ever attempt deliveries.

// laneKey names a lane.
type laneKey struct {
	hook    string
	browser bool
}

func laneOf(h *Hook) laneKey { return laneKey{h.ID, h.Action == ActionBrowser} }

// lane is the state of one lane, guarded by lanes.mu.
type lane struct {
	queue   []job
	running int
	// refused records that an offer found the lane full and left a
	// delivery in the outbox: the scheduler must hear when there is room.
	refused bool
}

// lanes holds the lanes with work.
type lanes struct {
	mu    sync.Mutex
	m     map[laneKey]*lane
	limit int // attempts at once per lane
	depth int // deliveries queued per lane beyond those
	// ctx is the dispatcher's running context: nil before Start, done
	// once it stops, after which lanes take no more work.
	ctx context.Context
}

// full returns the lanes that take no more work now.
func (ls *lanes) full() []laneKey {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	var out []laneKey
	for k, l := range ls.m {
		if l.running >= ls.limit && len(l.queue) >= ls.depth {
			out = append(out, k)
		}
	}
	return out
}

// offer hands jb, claimed by the caller, to its lane: to a new worker when
// the lane runs fewer than limit, else to the lane's queue. It reports
// false when the lane is full or the dispatcher is not running; the
// delivery then stays pending in the outbox and the caller releases it.
func (d *Dispatcher) offer(k laneKey, jb job) bool {
	ls := &d.lanes
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.ctx == nil || ls.ctx.Err() != nil {
		return false
	}
	l := ls.m[k]
	if l == nil {
		l = &lane{}
		ls.m[k] = l
	}
	switch {
	case l.running < ls.limit:
		l.running++
		// The caller is one of the dispatcher's loops, so the group is
		// not at zero: adding to it cannot race Close's Wait.
		d.loops.Add(1)
		go func() { defer d.loops.Done(); d.laneWorker(ls.ctx, k, l, jb) }()
	case len(l.queue) < ls.depth:
		l.queue = append(l.queue, jb)
	default:
		l.refused = true
		return false
	}
	return true
}

// laneWorker attempts jb, then what its lane queued, until the lane is
// empty or ctx ends; an attempt it has started it finishes. Deliveries
// still queued when ctx ends stay pending for the next start.
func (d *Dispatcher) laneWorker(ctx context.Context, k laneKey, l *lane, jb job) {
	ls := &d.lanes
	for {
		retry := false
		if ctx.Err() == nil {
			retry = d.attempt(jb)
		}
		d.release(jb.id)
		if retry {
			// After the release: the scheduler skips deliveries still
			// with a worker, and would not learn when this one is due.
			signal(d.kick)
		}
		ls.mu.Lock()
		if ctx.Err() == nil && len(l.queue) > 0 {
			jb = l.queue[0]
			l.queue[0] = job{}
			l.queue = l.queue[1:]
			if l.refused && len(l.queue) <= ls.depth/2 {
				// Room for a batch: one read of the outbox fills it.
				l.refused = false
				signal(d.kick)
			}
			ls.mu.Unlock()
			continue
		}
		if l.refused {
			l.refused = false
			signal(d.kick)
		}
		var left []job
		if ctx.Err() != nil {
			left, l.queue = l.queue, nil
		}
		l.running--
		if l.running == 0 && len(l.queue) == 0 && ls.m[k] == l {
			delete(ls.m, k)
		}
		ls.mu.Unlock()
		for _, jb := range left {
			d.release(jb.id)
		}
		return
	}
}
