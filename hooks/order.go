package hooks

import (
	"context"
	"fmt"
	"sync"
)

// Ordering: the deliveries of one call to one hook are attempted one at a
// time, in the order their triggers fired, so a receiver never sees a
// call's hangup before its ring, nor its missed before its hangup, even
// when they fire together or the first needs retries. Deliveries of other
// calls or other hooks are not held up.
//
// Two mechanisms keep it: the scheduler only reads deliveries that have no
// earlier pending delivery of the same call and hook (qPending), and
// ingest hands a new delivery straight to its lane only when chains says
// no earlier one of its call and hook is unfinished.

// chainKey names the deliveries of one call to one hook.
type chainKey struct{ call, hook string }

// chains counts, per call and hook, the deliveries not yet final; and
// per lane, so that the scheduler knows when only full lanes have work and
// reading the outbox would find nothing to hand out.
type chains struct {
	mu    sync.Mutex
	open  map[chainKey]int
	lanes map[laneKey]int
}

// add counts a new unfinished delivery of lane l and reports whether it
// is the only one of its call and hook, so it may go out at once.
func (c *chains) add(k chainKey, l laneKey) (first bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.open[k]++
	c.lanes[l]++
	return c.open[k] == 1
}

// done counts a delivery of lane l as final and reports whether later
// ones of the same call and hook are waiting for it.
func (c *chains) done(k chainKey, l laneKey) (more bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lanes[l]--; c.lanes[l] <= 0 {
		delete(c.lanes, l)
	}
	n := c.open[k] - 1
	if n <= 0 {
		delete(c.open, k)
		return false
	}
	c.open[k] = n
	return true
}

// onlyIn reports whether every unfinished delivery is in one of the lanes
// of in.
func (c *chains) onlyIn(in []laneKey) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, l := range in {
		n += c.lanes[l]
	}
	total := 0
	for _, m := range c.lanes {
		total += m
	}
	return n == total
}

// seed adds the pending deliveries found in the outbox at start.
func (c *chains) seed(o openCounts) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, n := range o.chains {
		c.open[k] += n
	}
	for l, n := range o.lanes {
		c.lanes[l] += n
	}
}

// openCounts is what openChains counts.
type openCounts struct {
	chains map[chainKey]int
	lanes  map[laneKey]int
}

// openChains counts the pending deliveries per call and hook, and per lane.
func (j *Journal) openChains(ctx context.Context) (openCounts, error) {
	rows, err := j.db.QueryContext(ctx, `SELECT call_id, hook_id, action = ?, count(*) FROM deliveries
		WHERE state = 'pending' GROUP BY call_id, hook_id, action = ?`, ActionBrowser, ActionBrowser)
	if err != nil {
		return openCounts{}, fmt.Errorf("read outbox order: %w", err)
	}
	out := openCounts{chains: map[chainKey]int{}, lanes: map[laneKey]int{}}
	for rows.Next() {
		var k chainKey
		var l laneKey
		var n int
		if err := rows.Scan(&k.call, &k.hook, &l.browser, &n); err != nil {
			rows.Close()
			return openCounts{}, fmt.Errorf("read outbox order: %w", err)
		}
		l.hook = k.hook
		out.chains[k] += n
		out.lanes[l] += n
	}
	if err := closeRows(rows); err != nil {
		return openCounts{}, fmt.Errorf("read outbox order: %w", err)
	}
	return out, nil
}
