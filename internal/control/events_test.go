//go:build cgo || !darwin

package control

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/callhook/callhook/ui"
)

func TestSubscribeEventsInOrder(t *testing.T) {
	f := newFake()
	c, _ := connect(t, f)
	got := make(chan ui.Event, 16)
	cancel := c.Subscribe(func(ev ui.Event) { got <- ev })
	defer cancel()
	await(t, f.subscribed, "the subscription")
	sent, want := testEvents()
	for _, ev := range sent {
		f.publish(ev)
	}
	for i := range want {
		equal(t, fmt.Sprintf("event %d", i), await(t, got, fmt.Sprintf("event %d", i)), want[i])
	}
}

func TestSubscribeCancel(t *testing.T) {
	f := newFake()
	c, _ := connect(t, f)
	cancel := c.Subscribe(func(ui.Event) {})
	await(t, f.subscribed, "the subscription")
	cancel()
	await(t, f.unsubscribed, "the agent to drop the subscription")
	c.Close() // waits for the stream's goroutine
	select {
	case <-c.Done():
		t.Error("Done closed on cancel: the window would quit")
	default:
	}
}

func TestServerCloseClosesDone(t *testing.T) {
	f := newFake()
	c, srv := connect(t, f)
	cancel := c.Subscribe(func(ui.Event) {})
	defer cancel()
	await(t, f.subscribed, "the subscription")
	select {
	case <-c.Done():
		t.Fatal("Done closed before the agent went away")
	default:
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	await(t, f.unsubscribed, "the agent to drop the subscription")
	await(t, c.Done(), "Done")
}

func TestEvents(t *testing.T) {
	f := newFake()
	c, srv := connect(t, f)
	sent, want := testEvents()
	got := make(chan ui.Event, 16)
	returned := make(chan error, 1)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() { returned <- c.Events(ctx, func(ev ui.Event) { got <- ev }) }()
	await(t, f.subscribed, "the subscription")
	f.publish(sent[0])
	equal(t, "event", await(t, got, "the event"), want[0])

	t.Run("cancel", func(t *testing.T) {
		cancel()
		if err := await(t, returned, "Events to return"); err != nil {
			t.Errorf("Events returned %v on cancel, want nil", err)
		}
	})
	t.Run("agent gone", func(t *testing.T) {
		go func() { returned <- c.Events(t.Context(), func(ui.Event) {}) }()
		await(t, f.subscribed, "the subscription")
		srv.Close()
		if err := await(t, returned, "Events to return"); err == nil {
			t.Error("Events returned nil when the agent went away")
		}
	})
}

// A client that never reads its stream must not hold up the engine's
// publisher; the agent drops that stream, and the client sees it end.
func TestStalledStreamDoesNotBlockPublisher(t *testing.T) {
	f := newFake()
	_, path := serve(t, f, nil)
	conn, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET "+PathEvents+" HTTP/1.1\r\nHost: callhook\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	await(t, f.subscribed, "the subscription")

	// Each event is some kilobytes, so that 5000 fill any socket buffer.
	c, _ := hostileCall()
	c.Caller.Name = strings.Repeat("x", 2000)
	published := make(chan struct{})
	go func() {
		defer close(published)
		for i := range 5000 {
			f.publish(ui.Event{Kind: ui.DeliveryDone, Call: c, Delivery: ui.DeliveryRow{Attempts: i}})
		}
	}()
	await(t, published, "the publisher (it is blocked by the stalled stream)")
	await(t, f.unsubscribed, "the agent to drop the stalled stream")

	conn.SetReadDeadline(time.Now().Add(waitTimeout))
	_, err = io.Copy(io.Discard, conn)
	if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the stream did not end for the stalled client")
	}
	if err != nil && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("reading the dropped stream: %v", err)
	}
}
