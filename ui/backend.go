package ui

import (
	"context"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// Backend is everything the GUI needs from the engine. cmd/callhook
// implements it on top of the real config file, dispatcher, journal and
// keychain; tests use a fake. Calls that touch the network, the disk or
// the keychain may block: the GUI only makes them from its own goroutines.
type Backend interface {
	// Config returns a clone of the current config.
	Config() *hooks.Config
	// Save validates cfg and writes it atomically to the config file the
	// CLI uses, then applies it to the running engine. Problems come back
	// as *hooks.ValidationError and nothing is written.
	Save(cfg *hooks.Config) error
	// Reload re-reads the config file after it changed on disk and applies
	// it; the GUI calls it when it sees the file's size or mtime change. An
	// invalid file is an error and leaves the running config as it was.
	Reload() (*hooks.Config, error)
	// Test fires h once for trigger t with sample data.
	Test(ctx context.Context, h hooks.Hook, t call.Trigger) (TestResult, error)
	// History returns up to limit calls from the journal, newest first,
	// each with its deliveries.
	History(ctx context.Context, limit int) ([]CallRow, error)
	// ActiveCalls returns the calls in progress.
	ActiveCalls() []call.Call
	// Resend queues the delivery with this webhook-id again.
	Resend(ctx context.Context, webhookID string) error
	// Delivery returns one delivery's detail: the request as it was sent,
	// its secrets masked, and every attempt.
	Delivery(ctx context.Context, webhookID string) (DeliveryDetail, error)
	// SimulateWith feeds one synthetic call through the hooks, as
	// `callhook simulate` does: it rings for SimulatedRing, is answered,
	// and ends SimulatedTalk later; a non-empty queue makes an incoming
	// call a call of that queue.
	SimulateWith(ctx context.Context, dir call.Direction, remote, name, queue string) error
	// SourceStatus returns the call event source's condition.
	SourceStatus() SourceStatus
	// Policy says which administrator's policy is in force, from where,
	// when it was fetched and its last error; Active false for none. The
	// window shows its managed hooks, checks hook URLs against its
	// allowed hosts and locks what it fixes.
	Policy() hooks.PolicyStatus
	// SetSecret stores a secret in the OS keychain (service "callhook",
	// account name).
	SetSecret(name, value string) error
	// Subscribe calls fn for every Event until cancel is called. fn is
	// called from any goroutine and must not block.
	Subscribe(fn func(Event)) (cancel func())
}

// TestResult is the outcome of one test request.
type TestResult struct {
	Status  int // HTTP status code; 0 for a browser hook or no response
	Latency time.Duration
	Excerpt string // start of the response body
	Err     string // transport error or why the status counts as failure
}

// CallRow is one call of the history with its deliveries.
type CallRow struct {
	Call       call.Call
	Deliveries []DeliveryRow
}

// DeliveryRow is one delivery of one hook for one trigger of a call.
type DeliveryRow struct {
	WebhookID  string
	CallID     string
	HookID     string
	HookName   string
	Trigger    call.Trigger
	Action     string
	State      hooks.State
	StatusCode int
	Attempts   int
	Latency    time.Duration
	Err        string
	At         time.Time
	// Final says no further attempt follows; NextAttempt is when the
	// next one is due otherwise. Set on DeliveryDone events only.
	Final       bool
	NextAttempt time.Time
}

// DeliveryDetail is what the delivery detail view shows beyond the row.
type DeliveryDetail struct {
	// Request is the request as sent, rendered again from the journal:
	// method and URL, headers, body; every secret shown as ***.
	Request  string
	Attempts []AttemptRow
}

// AttemptRow is one attempt of a delivery.
type AttemptRow struct {
	At         time.Time
	StatusCode int
	Latency    time.Duration
	Err        string
	// Response is the start of the response body, secrets masked.
	Response string
}

// SourceStatus is the call event source's condition, as sip.Status.
type SourceStatus struct {
	State  string // "off", "starting", "listening", "registered", "subscribed", "error"
	Detail string
	Err    string
	// Transport is the PBX leg's: "udp", "tcp" or "tls".
	Transport string
	// Advertised is the address the PBX sees for Callhook; Learned says
	// the PBX reported it (a NAT's public address), rather than it being
	// this machine's address on the route to the PBX.
	Advertised string
	Learned    bool
	// Keepalive is the last keepalive's outcome ("answered", "no
	// answer: ..."), KeepaliveAt when it was sent.
	Keepalive   string
	KeepaliveAt time.Time
	// Dialect lists the dialog-info dialects the PBX speaks (dialog
	// mode), comma-separated: "rfc4235", "freeswitch", "asterisk",
	// "asterisk-cid", "unknown". Empty until the PBX has sent one.
	Dialect string
}

// sourceError is the State of a failed source.
const sourceError = "error"

// EventKind says what an Event reports.
type EventKind int

// Kinds of Event.
const (
	// DeliveryDone: a delivery reached a final state (or a retry is
	// scheduled); Delivery and Call are set.
	DeliveryDone EventKind = iota + 1
	// SourceChanged: the source's status changed; Source is set.
	SourceChanged
	// CallsChanged: a call started, changed or ended.
	CallsChanged
	// ShowWindow: the agent asks the window to come to the front (the
	// tray's Show, a second launch).
	ShowWindow
	// PolicyChanged: another administrator's policy came into force
	// (its file changed, the provisioning URL served a new one); the
	// window asks Policy for it.
	PolicyChanged
)

// Event is pushed by the Backend to subscribers.
type Event struct {
	Kind     EventKind
	Delivery DeliveryRow
	// Call is the call a delivery belongs to; its party names are
	// caller-supplied text.
	Call   call.Call
	Source SourceStatus
}

// The call SimulateWith plays, on either side of the agent's socket: it
// rings for SimulatedRing, is answered, and ends SimulatedTalk later.
const (
	SimulatedRing = 2 * time.Second
	SimulatedTalk = 3 * time.Second
)
