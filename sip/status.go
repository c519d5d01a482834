package sip

import (
	"context"
	"sync"
	"time"
)

// State is a source's condition as shown to the user.
type State string

// States a source reports.
const (
	StateOff        State = "off"        // source mode none, or not started
	StateStarting   State = "starting"   // binding, first SUBSCRIBE in flight
	StateListening  State = "listening"  // proxy bound, no softphone registered yet
	StateRegistered State = "registered" // proxy bound, softphones registered through it
	StateSubscribed State = "subscribed" // dialog subscriptions active
	StateError      State = "error"      // see Status.Err
)

// Status is a snapshot of a source's condition, readable by the GUI and
// logged by `callhook run` when it changes.
type Status struct {
	State State
	// Detail is a short human-readable line ("listening on 127.0.0.1:5070
	// (udp, tcp)", "2 of 2 extensions subscribed").
	Detail string
	// Registered counts softphone contacts registered through the proxy.
	Registered int
	// Err is the reason for StateError (or a non-fatal problem).
	Err string
	// Transport is the PBX leg's transport: "udp", "tcp" or "tls".
	Transport string
	// Advertised is the address the PBX sees for Callhook (in Via,
	// Contact, Record-Route): the public one learned from the PBX's
	// received/rport once known, else the local address of the route to
	// the PBX.
	Advertised string
	// Learned reports whether Advertised came from the PBX (NAT seen).
	Learned bool
	// Dialect lists the dialog-info dialects the PBX has sent (dialog
	// source only), comma-separated: "rfc4235", "freeswitch", "asterisk",
	// "asterisk-cid", "unknown" (see Dialect and DialectNote). Empty
	// until a document says.
	Dialect string
	// Keepalive is the last keepalive's outcome ("answered", "no answer:
	// ..."); KeepaliveAt is when it was sent.
	Keepalive   string
	KeepaliveAt time.Time
	Since       time.Time
}

// Source is a running call event source.
type Source interface {
	// Run serves until ctx ends; it returns nil after a clean shutdown.
	Run(ctx context.Context) error
	// Status returns the current status.
	Status() Status
}

// statusBox holds a source's status and tells a listener of changes.
type statusBox struct {
	mu       sync.Mutex
	cur      Status
	onChange func(Status)
}

func (b *statusBox) get() Status {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cur
}

// set stores s and calls the listener when state, detail, error or count
// changed. The listener runs outside the lock.
func (b *statusBox) set(s Status) {
	b.mu.Lock()
	old := b.cur
	if old.State == s.State && old.Detail == s.Detail && old.Err == s.Err && old.Registered == s.Registered &&
		old.Transport == s.Transport && old.Advertised == s.Advertised && old.Keepalive == s.Keepalive &&
		old.Dialect == s.Dialect {
		b.cur.KeepaliveAt = s.KeepaliveAt
		b.mu.Unlock()
		return
	}
	if s.Since.IsZero() {
		s.Since = time.Now()
	}
	b.cur = s
	fn := b.onChange
	b.mu.Unlock()
	if fn != nil {
		fn(s)
	}
}
