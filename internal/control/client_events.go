//go:build cgo || !darwin

package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/callhook/callhook/ui"
)

// errStreamEnded says the agent ended the event stream: it quit, or the
// client fell too far behind.
var errStreamEnded = errors.New("event stream ended by the agent")

// Subscribe calls fn for every event until cancel is called, from a
// goroutine of its own. It returns once the agent holds the subscription
// (or failed to take it, or after subscribeTimeout), so that no event
// published after it returns is missed. When the stream ends without
// cancel, the agent went away: Done closes.
func (c *Client) Subscribe(fn func(ui.Event)) (cancel func()) {
	ctx, cancel := context.WithCancel(c.ctx)
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return cancel
	}
	c.streams.Add(1)
	c.mu.Unlock()
	ready := make(chan struct{})
	go func() {
		defer c.streams.Done()
		if err := c.stream(ctx, fn, ready); err != nil && ctx.Err() == nil {
			c.doneOnce.Do(func() { close(c.done) })
		}
	}()
	t := time.NewTimer(subscribeTimeout)
	defer t.Stop()
	select {
	case <-ready:
	case <-t.C:
	}
	return cancel
}

// Done is closed when a Subscribe stream ends because the agent went
// away, not when it was cancelled: the window process quits then.
func (c *Client) Done() <-chan struct{} { return c.done }

// Events calls fn for every event until ctx ends, and returns nil then;
// it returns an error when the stream broke because the agent went away.
func (c *Client) Events(ctx context.Context, fn func(ui.Event)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(c.ctx, cancel)()
	return c.stream(ctx, fn, nil)
}

// stream reads the event stream into fn until ctx ends (nil) or the
// stream breaks (an error). ready, when not nil, is closed once the agent
// has subscribed or the request failed.
func (c *Client) stream(ctx context.Context, fn func(ui.Event), ready chan<- struct{}) error {
	signal := func() {
		if ready != nil {
			close(ready)
			ready = nil
		}
	}
	defer signal()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, host+PathEvents, nil)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	switch {
	case ctx.Err() != nil:
		if err == nil {
			resp.Body.Close()
		}
		return nil
	case err != nil:
		return c.transportError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return readError(resp, nil)
	}
	signal()
	dec := json.NewDecoder(resp.Body)
	for {
		var ev ui.Event
		err := dec.Decode(&ev)
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, io.EOF):
			return errStreamEnded
		case err != nil:
			return fmt.Errorf("event stream: %w", c.transportError(err))
		}
		fn(ev)
	}
}
