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
// ingest hands a new delivery straight to a worker only when chains says
// no earlier one of its call and hook is unfinished.

// chainKey names the deliveries of one call to one hook.
type chainKey struct{ call, hook string }

// chains counts, per call and hook, the deliveries not yet final.
type chains struct {
	mu   sync.Mutex
	open map[chainKey]int
}

// add counts a new unfinished delivery and reports whether it is the only
// one of its call and hook, so it may go out at once.
func (c *chains) add(k chainKey) (first bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.open[k]++
	return c.open[k] == 1
}

// done counts a delivery as final and reports whether later ones of the
// same call and hook are waiting for it.
func (c *chains) done(k chainKey) (more bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.open[k] - 1
	if n <= 0 {
		delete(c.open, k)
		return false
	}
	c.open[k] = n
	return true
}

// seed adds the pending deliveries found in the outbox at start.
func (c *chains) seed(counts map[chainKey]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, n := range counts {
		c.open[k] += n
	}
}

// openChains counts the pending deliveries per call and hook.
func (j *Journal) openChains(ctx context.Context) (map[chainKey]int, error) {
	rows, err := j.db.QueryContext(ctx, `SELECT call_id, hook_id, count(*) FROM deliveries
		WHERE state = 'pending' GROUP BY call_id, hook_id`)
	if err != nil {
		return nil, fmt.Errorf("read outbox order: %w", err)
	}
	out := map[chainKey]int{}
	for rows.Next() {
		var k chainKey
		var n int
		if err := rows.Scan(&k.call, &k.hook, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read outbox order: %w", err)
		}
		out[k] = n
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("read outbox order: %w", err)
	}
	return out, nil
}
