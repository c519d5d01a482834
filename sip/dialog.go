package sip

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	sipmsg "github.com/emiago/sipgo/sip"
)

// DialogConfig configures the RFC 4235 dialog-event subscription source.
type DialogConfig struct {
	// Server is the PBX as host[:port] (port 5060 when omitted).
	Server string
	// Transport is "udp" (default), "tcp" or "tls".
	Transport string
	// CAFile adds a PEM CA to the OS trust store for a TLS server.
	CAFile string
	// LocalAddress is the local IP[:port] to use towards the PBX; empty:
	// the address the route to Server takes, on an ephemeral port.
	LocalAddress string
	// Domain is the SIP domain of the watched extensions (the Server's
	// host when empty).
	Domain string
	// Username and Password authenticate the SUBSCRIBEs with digest auth;
	// no auth is attempted without a Password.
	Username string
	Password string
	// Watch lists the extensions (or full sip: URIs) to subscribe to.
	Watch []string
	// Expires is the subscription lifetime asked for (default 10 minutes).
	Expires time.Duration
}

// ErrDialogConfig marks a configuration the dialog source cannot run with.
var ErrDialogConfig = errors.New("invalid dialog source config")

// Dialog is the dialog-event source: it subscribes to the dialog state of
// the watched extensions at the PBX and feeds the tracker from the
// NOTIFYs. It implements Source.
type Dialog struct {
	cfg      DialogConfig
	server   string // host:port
	network  string // "udp" or "tcp"
	listen   string
	log      *slog.Logger
	status   statusBox
	mapper   *dialogMapper
	minRetry time.Duration
	maxRetry time.Duration

	client  *sipgo.Client
	contact sipmsg.ContactHeader

	mu   sync.Mutex
	subs map[string]*subscription // Call-ID -> subscription
	exts map[string]extState      // extension -> state
}

// extState is one watched extension's part of the status.
type extState struct {
	subscribed bool
	err        string
}

// DialogOption configures a Dialog.
type DialogOption func(*Dialog)

// WithDialogLogger sets the logger.
func WithDialogLogger(l *slog.Logger) DialogOption {
	return func(d *Dialog) { d.log = l }
}

// WithDialogStatus sets a function told of every status change. It must
// not block.
func WithDialogStatus(fn func(Status)) DialogOption {
	return func(d *Dialog) { d.status.onChange = fn }
}

// WithDialogListen sets the local address NOTIFYs arrive on (default
// 127.0.0.1:0, an ephemeral loopback port). The PBX must reach it: a PBX
// on another host needs a reachable address here.
func WithDialogListen(addr string) DialogOption {
	return func(d *Dialog) { d.listen = addr }
}

// WithDialogRetry sets the re-subscribe backoff bounds (default 1s..60s).
func WithDialogRetry(minDelay, maxDelay time.Duration) DialogOption {
	return func(d *Dialog) { d.minRetry, d.maxRetry = minDelay, maxDelay }
}

// NewDialog checks cfg and returns a source that feeds tr once it runs.
func NewDialog(cfg DialogConfig, tr *Tracker, opts ...DialogOption) (*Dialog, error) {
	if tr == nil {
		return nil, fmt.Errorf("new dialog source: %w: no tracker", ErrDialogConfig)
	}
	d := &Dialog{
		cfg: cfg, listen: "127.0.0.1:0", log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		minRetry: time.Second, maxRetry: time.Minute,
		subs: map[string]*subscription{}, exts: map[string]extState{},
	}
	for _, o := range opts {
		o(d)
	}
	d.log = d.log.With("source", "dialog")
	if err := d.check(); err != nil {
		return nil, err
	}
	d.mapper = newDialogMapper(tr, nil)
	d.status.set(Status{State: StateOff, Detail: "not started"})
	return d, nil
}

func (d *Dialog) check() error {
	c := &d.cfg
	host, port := strings.TrimSpace(c.Server), 5060
	if host == "" {
		return fmt.Errorf("%w: server is empty: set source.dialog.server to the PBX address", ErrDialogConfig)
	}
	if h, p, err := net.SplitHostPort(host); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%w: server %q has a bad port: set source.dialog.server to host:port", ErrDialogConfig, c.Server)
		}
		host, port = h, n
	}
	d.server = net.JoinHostPort(host, strconv.Itoa(port))
	switch t := strings.ToLower(strings.TrimSpace(c.Transport)); t {
	case "", "udp":
		d.network = "udp"
	case "tcp":
		d.network = "tcp"
	default:
		return fmt.Errorf("%w: transport %q: set source.dialog.transport to udp or tcp", ErrDialogConfig, c.Transport)
	}
	if c.Domain == "" {
		c.Domain = host
	}
	if len(c.Watch) == 0 && c.Username != "" {
		c.Watch = []string{c.Username}
	}
	if len(c.Watch) == 0 {
		return fmt.Errorf("%w: nothing to watch: set source.dialog.watch to the extensions", ErrDialogConfig)
	}
	for _, w := range c.Watch {
		if strings.TrimSpace(w) == "" {
			return fmt.Errorf("%w: empty extension in source.dialog.watch", ErrDialogConfig)
		}
	}
	if c.Expires <= 0 {
		c.Expires = 10 * time.Minute
	}
	if c.Expires < 10*time.Second {
		// The refresh runs at 80% of the lifetime; shorter lifetimes
		// would keep the PBX busy with refreshes.
		c.Expires = 10 * time.Second
	}
	if c.Username == "" {
		c.Username = "callhook"
	}
	return nil
}

// Status returns the current status.
func (d *Dialog) Status() Status { return d.status.get() }

// Run listens for NOTIFYs, keeps one subscription per watched extension
// alive until ctx ends, then unsubscribes. It fails only when it cannot
// listen; PBX errors show in the status and are retried.
func (d *Dialog) Run(ctx context.Context) error {
	d.status.set(Status{State: StateStarting, Detail: fmt.Sprintf("0 of %d extensions subscribed", len(d.cfg.Watch))})
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("callhook"), sipgo.WithUserAgentHostname(d.cfg.Domain))
	if err != nil {
		return d.fail(fmt.Errorf("create user agent: %w", err))
	}
	defer ua.Close()
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(d.log))
	if err != nil {
		return d.fail(fmt.Errorf("create server: %w", err))
	}
	srv.OnNotify(d.onNotify)

	local, serve, closer, err := d.bind(srv)
	if err != nil {
		return d.fail(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := serve(); err != nil && ctx.Err() == nil {
			d.log.Error("serve notifies", "err", err)
		}
	})
	defer wg.Wait()
	defer closer.Close()
	if d.network == "udp" {
		// Requests leave through the listening socket, which the transport
		// knows only once serving started.
		if err := waitServing(ctx, ua, local.String()); err != nil {
			return d.fail(err)
		}
	}

	copts := []sipgo.ClientOption{sipgo.WithClientLogger(d.log), sipgo.WithClientHostname(local.IP.String())}
	if d.network == "udp" {
		// Send from the listening socket: responses and NOTIFYs then come
		// back to one port, which also keeps a NAT binding open.
		copts = append(copts, sipgo.WithClientConnectionAddr(local.String()))
	}
	d.client, err = sipgo.NewClient(ua, copts...)
	if err != nil {
		return d.fail(fmt.Errorf("create client: %w", err))
	}
	d.contact = sipmsg.ContactHeader{Address: sipmsg.Uri{
		Scheme: "sip", User: d.cfg.Username, Host: local.IP.String(), Port: local.Port,
	}}
	if d.network == "tcp" {
		d.contact.Address.UriParams = sipmsg.HeaderParams{{K: "transport", V: "tcp"}}
	}
	d.log.Info("dialog source listening", "addr", local.String(), "network", d.network, "server", d.server)

	var subs sync.WaitGroup
	for _, ext := range d.cfg.Watch {
		subs.Go(func() { d.keep(ctx, strings.TrimSpace(ext)) })
	}
	subs.Wait()
	d.status.set(Status{State: StateOff, Detail: "stopped"})
	return nil
}

func (d *Dialog) fail(err error) error {
	err = fmt.Errorf("dialog source: %w", err)
	d.status.set(Status{State: StateError, Err: err.Error()})
	return err
}

// bind opens the NOTIFY listener and returns its address, the serve loop
// and what stops it.
func (d *Dialog) bind(srv *sipgo.Server) (*net.TCPAddr, func() error, io.Closer, error) {
	if d.network == "tcp" {
		l, err := net.Listen("tcp", d.listen)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("listen tcp %s: %w", d.listen, err)
		}
		a := l.Addr().(*net.TCPAddr)
		return d.reachable(a), func() error { return srv.ServeTCP(l) }, l, nil
	}
	c, err := net.ListenPacket("udp", d.listen)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("listen udp %s: %w", d.listen, err)
	}
	u := c.LocalAddr().(*net.UDPAddr)
	return d.reachable(&net.TCPAddr{IP: u.IP, Port: u.Port}), func() error { return srv.ServeUDP(c) }, c, nil
}

func waitServing(ctx context.Context, ua *sipgo.UserAgent, addr string) error {
	for range 200 {
		if _, err := ua.TransportLayer().GetConnection("udp", addr); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return fmt.Errorf("serve udp %s: listener not ready", addr)
}

// reachable replaces an unspecified listen IP by the local address the
// route to the PBX uses, which is what the Contact must name.
func (d *Dialog) reachable(a *net.TCPAddr) *net.TCPAddr {
	if !a.IP.IsUnspecified() {
		return a
	}
	c, err := net.Dial("udp", d.server)
	if err != nil {
		return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: a.Port}
	}
	defer c.Close()
	return &net.TCPAddr{IP: c.LocalAddr().(*net.UDPAddr).IP, Port: a.Port}
}

// setExt records one extension's state and publishes the summary: error
// while any extension failed, subscribed when all are.
func (d *Dialog) setExt(ext string, st extState) {
	d.mu.Lock()
	d.exts[ext] = st
	n, errs := 0, []string{}
	for _, s := range d.exts {
		if s.subscribed {
			n++
		}
		if s.err != "" {
			errs = append(errs, s.err)
		}
	}
	d.mu.Unlock()
	slices.Sort(errs)
	s := Status{State: StateStarting, Detail: fmt.Sprintf("%d of %d extensions subscribed", n, len(d.cfg.Watch))}
	switch {
	case len(errs) > 0:
		s.State, s.Err = StateError, strings.Join(errs, "; ")
	case n == len(d.cfg.Watch):
		s.State = StateSubscribed
	}
	d.status.set(s)
}

func (d *Dialog) register(s *subscription) {
	d.mu.Lock()
	d.subs[s.callID] = s
	d.mu.Unlock()
}

func (d *Dialog) unregister(s *subscription) {
	d.mu.Lock()
	delete(d.subs, s.callID)
	d.mu.Unlock()
}

func (d *Dialog) lookup(callID string) *subscription {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.subs[callID]
}
