package hooks

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
)

// A journal that refuses every write must not make Close wait past its
// deadline: the events it could not take are counted as lost.
func TestCloseKeepsDeadlineWithBrokenJournal(t *testing.T) {
	d, j := startDispatcher(t, testConfig())
	j.Close() // every write fails from here on
	d.Handle(event(testCall("broken-1"), call.IncomingRing))

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- d.Close(ctx) }()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Close: %v, want the deadline exceeded", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close still waiting 10s after its 200ms deadline")
	}
	if n := d.Dropped(); n != 1 {
		t.Errorf("Dropped() = %d, want 1", n)
	}
}

// Events waiting for the journal are bounded: beyond the limit they are
// dropped and counted, and those within it still reach the outbox.
func TestQueueBounded(t *testing.T) {
	j := openJournal(t, t.TempDir())
	d := NewDispatcher(j, testConfig(), WithLogger(discardLogger()), WithSecrets(MapSecrets{}), WithQueueLimit(8))
	// Not started: nothing takes events from the queue, as when every
	// journal write fails.
	for i := range 20 {
		d.Handle(event(testCall(fmt.Sprintf("q-%d", i)), call.IncomingRing))
	}
	if n := d.Dropped(); n != 12 {
		t.Errorf("Dropped() = %d, want 12", n)
	}
	if err := d.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.Close(ctx); err != nil {
		t.Fatal(err)
	}
	calls, err := j.Calls(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 8 {
		t.Errorf("journal has %d calls, want the 8 within the limit", len(calls))
	}
}
