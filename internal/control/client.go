//go:build cgo || !darwin

package control

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/sip"
	"github.com/callhook/callhook/ui"
)

// Client timeouts. Methods that take a context have none of their own:
// a Wait lasts as long as its caller's context.
const (
	// fetchTimeout bounds the ui.Backend reads that return no error:
	// they fall back to the value fetched last.
	fetchTimeout = 2 * time.Second
	// changeTimeout bounds the ui.Backend changes that take no context.
	changeTimeout = 30 * time.Second
	// subscribeTimeout bounds how long Subscribe waits for the agent to
	// take the subscription.
	subscribeTimeout = 2 * time.Second
)

// Client talks to the agent over its control socket. It is a ui.Backend,
// so the window process runs on it as it would on the engine itself.
type Client struct {
	path string
	http *http.Client
	// ctx ends with Close, and with it every event stream.
	ctx  context.Context
	stop context.CancelFunc

	done     chan struct{}
	doneOnce sync.Once

	mu      sync.Mutex
	closed  bool
	streams sync.WaitGroup
	// The last values fetched, for the reads that cannot fail.
	config *hooks.Config
	source ui.SourceStatus
	policy hooks.PolicyStatus
	calls  []call.Call
}

var _ ui.Backend = (*Client)(nil)

// Dial connects to the agent on the socket at path and checks that it
// answers, within ctx. When nothing listens there, the error wraps
// ErrNoAgent.
func Dial(ctx context.Context, path string) (*Client, error) {
	c := newClient(path)
	err := c.do(ctx, http.MethodGet, PathStatus, nil, nil)
	if err == nil {
		err = c.do(ctx, http.MethodGet, PathConfig, nil, &c.config)
	}
	if err == nil && c.config == nil {
		err = errors.New("the agent has no config")
	}
	if err == nil {
		err = c.do(ctx, http.MethodGet, PathSource, nil, &c.source)
	}
	if err == nil {
		err = c.do(ctx, http.MethodGet, PathCalls, nil, &c.calls)
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func newClient(path string) *Client {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return dialAgent(ctx, path)
		},
		MaxIdleConnsPerHost: 4,
		// Shorter than the server's, so that the client drops an idle
		// connection before the server does.
		IdleConnTimeout:    30 * time.Second,
		DisableCompression: true,
	}
	c := &Client{path: path, http: &http.Client{Transport: tokenTransport{path: path, next: tr}}, done: make(chan struct{})}
	c.ctx, c.stop = context.WithCancel(context.Background())
	return c
}

// Close ends the event streams and closes the connections. It must not
// be called from an event callback.
func (c *Client) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.stop()
	c.streams.Wait()
	c.http.CloseIdleConnections()
	return nil
}

// Config returns the agent's config, or the one fetched last when the
// agent does not answer in time.
func (c *Client) Config() *hooks.Config {
	var cfg *hooks.Config
	err := c.fetch(PathConfig, &cfg)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil || cfg == nil {
		return c.config.Clone()
	}
	c.config = cfg.Clone()
	return cfg
}

// SourceStatus returns the source's status, or the one fetched last when
// the agent does not answer in time.
func (c *Client) SourceStatus() ui.SourceStatus {
	var st ui.SourceStatus
	err := c.fetch(PathSource, &st)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil {
		c.source = st
	}
	return c.source
}

// Policy returns the administrator's policy in force, or the status
// fetched last when the agent does not answer in time.
func (c *Client) Policy() hooks.PolicyStatus {
	var st hooks.PolicyStatus
	err := c.fetch(PathPolicy, &st)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil {
		withOrigin(&st)
		c.policy = st
	}
	st = c.policy
	st.Policy = c.policy.Policy.Clone()
	return st
}

// withOrigin puts back what JSON does not carry: the policy's origin,
// which its messages name ("host … is not in allowed_hosts of the policy
// /etc/callhook/policy.json").
func withOrigin(st *hooks.PolicyStatus) {
	if st.Policy != nil && st.Policy.Origin == "" {
		st.Policy.Origin = st.From
	}
}

// ActiveCalls returns the calls in progress, or those fetched last when
// the agent does not answer in time.
func (c *Client) ActiveCalls() []call.Call {
	var calls []call.Call
	err := c.fetch(PathCalls, &calls)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil {
		c.calls = calls
	}
	return slices.Clone(c.calls)
}

func (c *Client) fetch(path string, out any) error {
	ctx, cancel := context.WithTimeout(c.ctx, fetchTimeout)
	defer cancel()
	return c.do(ctx, http.MethodGet, path, nil, out)
}

// change makes a request for a ui.Backend method without a context.
func (c *Client) change(method, path string, in, out any) error {
	ctx, cancel := context.WithTimeout(c.ctx, changeTimeout)
	defer cancel()
	return c.do(ctx, method, path, in, out)
}

// Save has the agent validate, write and apply cfg. Problems come back
// as a *hooks.ValidationError.
func (c *Client) Save(cfg *hooks.Config) error {
	return c.change(http.MethodPut, PathConfig, cfg, nil)
}

// Reload has the agent re-read its config file. The config and the error
// may come both.
func (c *Client) Reload() (*hooks.Config, error) {
	var cfg *hooks.Config
	err := c.change(http.MethodPost, PathReload, nil, &cfg)
	return cfg, err
}

// Test fires h once for trigger t with sample data. A failed delivery
// has an error and a result that describes it.
func (c *Client) Test(ctx context.Context, h hooks.Hook, t call.Trigger) (ui.TestResult, error) {
	var res ui.TestResult
	err := c.do(ctx, http.MethodPost, PathTest, testRequest{Hook: h, Trigger: t}, &res)
	return res, err
}

// History returns up to limit calls from the journal, newest first.
func (c *Client) History(ctx context.Context, limit int) ([]ui.CallRow, error) {
	var rows []ui.CallRow
	q := url.Values{ParamLimit: {strconv.Itoa(limit)}}
	err := c.do(ctx, http.MethodGet, PathHistory+"?"+q.Encode(), nil, &rows)
	return rows, err
}

// Resend queues the delivery with this webhook-id again.
func (c *Client) Resend(ctx context.Context, webhookID string) error {
	return c.do(ctx, http.MethodPost, PathResend, resendRequest{WebhookID: webhookID}, nil)
}

// Delivery returns one delivery's detail from the agent's journal.
func (c *Client) Delivery(ctx context.Context, webhookID string) (ui.DeliveryDetail, error) {
	var d ui.DeliveryDetail
	err := c.do(ctx, http.MethodPost, PathDelivery, resendRequest{WebhookID: webhookID}, &d)
	return d, err
}

// SimulateWith has the agent play a short synthetic call, of queue when
// not empty: it rings for ui.SimulatedRing, then talks for ui.SimulatedTalk.
// It returns once the call started.
func (c *Client) SimulateWith(ctx context.Context, dir call.Direction, remote, name, queue string) error {
	_, err := c.SimulateCall(ctx, sip.Simulation{Direction: dir, Remote: remote, Name: name, Queue: queue,
		AnswerAfter: ui.SimulatedRing, HangupAfter: ui.SimulatedTalk})
	return err
}

// SetSecret has the agent store a secret in the OS keychain. The value
// travels in the request body only.
func (c *Client) SetSecret(name, value string) error {
	return c.change(http.MethodPost, PathSecret, secretRequest{Name: name, Value: value}, nil)
}

// Status returns the agent's state.
func (c *Client) Status(ctx context.Context) (Status, error) {
	var st Status
	err := c.do(ctx, http.MethodGet, PathStatus, nil, &st)
	withOrigin(&st.Policy)
	return st, err
}

// Show asks the agent to show its window.
func (c *Client) Show(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, PathShow, nil, nil)
}

// HookTest fires the configured hook with this id once with sample data.
// A failed delivery has an error and a result that describes it.
func (c *Client) HookTest(ctx context.Context, id string, trigger call.Trigger) (hooks.Result, error) {
	var res hooks.Result
	err := c.do(ctx, http.MethodPost, PathHookTest, hookTestRequest{ID: id, Trigger: trigger}, &res)
	return res, err
}

// SimulateCall starts one synthetic call and returns its id.
func (c *Client) SimulateCall(ctx context.Context, s sip.Simulation) (string, error) {
	var res callRequest
	err := c.do(ctx, http.MethodPost, PathSimulateCall, s, &res)
	return res.ID, err
}

// Wait blocks until every delivery of the call reached a final state, or
// ctx ends.
func (c *Client) Wait(ctx context.Context, callID string) error {
	return c.do(ctx, http.MethodPost, PathWait, callRequest{ID: callID}, nil)
}

// do makes one request: in, when not nil, is the JSON body; the JSON
// response goes into out, when not nil, also along with an error.
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, host+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", contentJSON)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return c.transportError(err)
	}
	defer func() {
		// Read what is left, so that the connection can be used again.
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		resp.Body.Close()
	}()
	if resp.StatusCode >= http.StatusMultipleChoices {
		return readError(resp, out)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("read answer to %s %s: %w", method, path, c.transportError(err))
	}
	return nil
}

// transportError names the socket, and wraps ErrNoAgent when nothing
// listens on it.
func (c *Client) transportError(err error) error {
	if ue := (*url.Error)(nil); errors.As(err, &ue) {
		err = ue.Err
	}
	if isNoAgent(err) {
		return fmt.Errorf("%w (nothing listens on %s): %w", ErrNoAgent, c.path, err)
	}
	return fmt.Errorf("control socket %s: %w", c.path, err)
}

// readError turns an error response back into the error the service
// returned: a *hooks.ValidationError with its problems, else an error
// with the same message. A value sent along goes into out.
func readError(resp *http.Response, out any) error {
	var body errorBody
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxBody)).Decode(&body); err != nil || body.Error == "" {
		return fmt.Errorf("control api: %s", resp.Status)
	}
	if out != nil && len(body.Value) > 0 {
		// Best effort: the error is what matters.
		_ = json.Unmarshal(body.Value, out)
	}
	if resp.StatusCode != http.StatusUnprocessableEntity {
		return errors.New(body.Error)
	}
	ve := &hooks.ValidationError{Problems: body.Problems}
	if ve.Error() == body.Error {
		return ve
	}
	return &wrappedError{msg: body.Error, err: ve}
}

// wrappedError is a service's error that wrapped a *hooks.ValidationError:
// the same message, and errors.As finds the problems.
type wrappedError struct {
	msg string
	err error
}

func (e *wrappedError) Error() string { return e.msg }
func (e *wrappedError) Unwrap() error { return e.err }

// tokenTransport adds the agent's token to every request where the
// control API needs one (loopback TCP on Windows; see token).
type tokenTransport struct {
	path string
	next http.RoundTripper
}

func (t tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if tok := token(t.path); tok != "" {
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+tok)
	}
	return t.next.RoundTrip(r)
}

// CloseIdleConnections passes on to the transport, so Client.Close can.
func (t tokenTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
