package control

import (
	"encoding/json"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// Endpoints. The host in URLs is "callhook"; the socket is the address.
const (
	PathConfig       = "/v1/config"           // GET: Config; PUT: Save
	PathReload       = "/v1/config/reload"    // POST: Reload
	PathTest         = "/v1/test"             // POST: Test
	PathHistory      = "/v1/history"          // GET ?limit=N: History
	PathCalls        = "/v1/calls"            // GET: ActiveCalls
	PathResend       = "/v1/resend"           // POST: Resend
	PathDelivery     = "/v1/delivery"         // POST: Delivery
	PathSource       = "/v1/source"           // GET: SourceStatus
	PathPolicy       = "/v1/policy"           // GET: Policy
	PathSecret       = "/v1/secret"           // POST: SetSecret
	PathEvents       = "/v1/events"           // GET: the NDJSON event stream
	PathStatus       = "/v1/status"           // GET: Status
	PathShow         = "/v1/show"             // POST: ShowWindow
	PathHookTest     = "/v1/hooks/test"       // POST: HookTest
	PathSimulateCall = "/v1/calls/simulate"   // POST: SimulateCall
	PathWait         = "/v1/calls/wait"       // POST: Wait, a long poll
	ParamLimit       = "limit"                // History's query parameter
	host             = "http://callhook"      // scheme and host of every URL
	contentJSON      = "application/json"     // request and response bodies
	contentNDJSON    = "application/x-ndjson" // the event stream
)

// maxBody bounds request bodies; a config is a few kilobytes.
const maxBody = 1 << 20

// errorBody is every error response. Value carries what a method returns
// along with its error: Reload's config, a failed test's result.
type errorBody struct {
	Error    string          `json:"error"`
	Problems []hooks.Problem `json:"problems"`
	Value    json.RawMessage `json:"value,omitempty"`
}

type testRequest struct {
	Hook    hooks.Hook   `json:"hook"`
	Trigger call.Trigger `json:"trigger"`
}

type resendRequest struct {
	WebhookID string `json:"webhook_id"`
}

type secretRequest struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type hookTestRequest struct {
	ID      string       `json:"id"`
	Trigger call.Trigger `json:"trigger"`
}

type callRequest struct {
	ID string `json:"id"`
}
