//go:build cgo || !darwin

package control

import (
	"context"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/sip"
	"github.com/callhook/callhook/ui"
)

// Service is what the agent serves: everything the window needs, plus
// what the command line asks of a running agent.
type Service interface {
	ui.Backend
	// Status is the agent's state for `callhook status`.
	Status(ctx context.Context) Status
	// ShowWindow starts the window process or brings it to the front.
	ShowWindow() error
	// HookTest fires the configured hook with this id once with sample
	// data (`callhook hooks test ID`). An unknown id is an error naming
	// it.
	HookTest(ctx context.Context, id string, trigger call.Trigger) (hooks.Result, error)
	// SimulateCall starts one synthetic call and returns its id at once.
	SimulateCall(ctx context.Context, s sip.Simulation) (string, error)
	// Wait blocks until every delivery of the call reached a final state,
	// or ctx ends.
	Wait(ctx context.Context, callID string) error
}

// Status is the running agent's state.
type Status struct {
	PID     int       `json:"pid"`
	Kind    string    `json:"kind"` // "agent" or "run"
	Version string    `json:"version"`
	Config  string    `json:"config"` // config file path
	Data    string    `json:"data"`   // data directory
	Started time.Time `json:"started"`
	Enabled bool      `json:"enabled"` // the global hooks switch
	Hooks   int       `json:"hooks"`   // number of configured hooks
	Mode    string    `json:"mode"`    // source mode: "proxy", "dialog", "none"
	// Source has no JSON names of its own: its keys are its field names.
	Source  ui.SourceStatus `json:"source"`
	Calls   []call.Call     `json:"calls"`   // calls in progress
	Pending int             `json:"pending"` // deliveries waiting in the outbox
	Window  bool            `json:"window"`  // the window process is running
	Tray    bool            `json:"tray"`    // the tray icon is up
	// Policy is the administrator's policy in force, where it comes
	// from, when it was fetched and the last error; Active false when
	// there is none.
	Policy hooks.PolicyStatus `json:"policy"`
}
