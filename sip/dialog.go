package sip

import (
	"context"
	"crypto/tls"
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
	// Server is the PBX as host[:port] (port 5060, 5061 for tls, when
	// omitted). Every request goes there, in-dialog ones too: it is the
	// outbound proxy.
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
	host     string // the server's host, the name its certificate must carry
	network  string // TransportUDP, TransportTCP or TransportTLS
	tlsConf  *tls.Config
	log      *slog.Logger
	sipgoLog *slog.Logger // log as sipgo may write to it (dialog_log.go)
	status   statusBox
	mapper   *dialogMapper
	minRetry time.Duration
	maxRetry time.Duration

	ua  *sipgo.UserAgent
	srv *sipgo.Server
	wg  sync.WaitGroup // link goroutines

	linkMu sync.Mutex
	cur    *link

	mu    sync.Mutex
	subs  map[string]*subscription // Call-ID -> subscription
	exts  map[string]extState      // extension -> state
	shown *link                    // the link the status describes
	ka    string                   // last keepalive outcome
	kaAt  time.Time
	// dialects are the dialog-info dialects seen; unknownLogged says an
	// unknown one was logged (once: a PBX sends it with every change).
	dialects      map[Dialect]bool
	unknownLogged bool
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
		cfg: cfg, log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		minRetry: time.Second, maxRetry: time.Minute,
		subs: map[string]*subscription{}, exts: map[string]extState{},
		dialects: map[Dialect]bool{},
	}
	for _, o := range opts {
		o(d)
	}
	if err := d.check(); err != nil {
		return nil, err
	}
	d.sipgoLog = sipgoLogger(d.log)
	d.mapper = newDialogMapper(tr, nil)
	d.status.set(Status{State: StateOff, Detail: "not started", Transport: d.network})
	return d, nil
}

func (d *Dialog) check() error {
	c := &d.cfg
	t, err := normTransport(c.Transport)
	if err != nil {
		return fmt.Errorf("%w: %w: set source.dialog.transport to udp, tcp or tls", ErrDialogConfig, err)
	}
	d.network = t
	host, port := strings.TrimSpace(c.Server), defaultPort(t)
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
	host = strings.Trim(host, "[]")
	d.host = host
	d.server = net.JoinHostPort(host, strconv.Itoa(port))
	if t == TransportTLS {
		if d.tlsConf, err = tlsConfig(host, c.CAFile); err != nil {
			return fmt.Errorf("%w: %w: set source.dialog.ca_file to the PEM file of the PBX's CA", ErrDialogConfig, err)
		}
	}
	if c.LocalAddress != "" {
		if _, _, err := localIP(context.Background(), c.LocalAddress, d.server); err != nil {
			return fmt.Errorf("%w: %w: set source.dialog.local_address to an IP address of this machine, or leave it empty", ErrDialogConfig, err)
		}
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

// Run keeps one subscription per watched extension alive until ctx ends,
// then unsubscribes. PBX and network errors show in the status and are
// retried with backoff; Run fails only when it cannot start at all.
func (d *Dialog) Run(ctx context.Context) error {
	d.publish()
	// sipgo logs to slog.Default unless told otherwise, and loudly:
	// dialog_log.go tames it.
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("callhook"), sipgo.WithUserAgentHostname(d.cfg.Domain),
		sipgo.WithUserAgenTLSConfig(d.tlsConf),
		sipgo.WithUserAgentTransportLayerOptions(sipmsg.WithTransportLayerLogger(d.sipgoLog)),
		sipgo.WithUserAgentTransactionLayerOptions(sipmsg.WithTransactionLayerLogger(d.sipgoLog)))
	if err != nil {
		return d.fail(fmt.Errorf("create user agent: %w", err))
	}
	defer ua.Close()
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(d.sipgoLog))
	if err != nil {
		return d.fail(fmt.Errorf("create server: %w", err))
	}
	srv.OnNotify(d.onNotify)
	d.ua, d.srv = ua, srv

	var subs sync.WaitGroup
	for _, ext := range d.cfg.Watch {
		subs.Go(func() { d.keep(ctx, strings.TrimSpace(ext)) })
	}
	subs.Wait()
	d.linkMu.Lock()
	if d.cur != nil {
		d.cur.close()
	}
	d.linkMu.Unlock()
	d.wg.Wait()
	d.status.set(Status{State: StateOff, Detail: "stopped", Transport: d.network})
	return nil
}

func (d *Dialog) fail(err error) error {
	err = fmt.Errorf("dialog source: %w", err)
	d.status.set(Status{State: StateError, Err: err.Error(), Transport: d.network})
	return err
}

// setExt records one extension's state and publishes the summary.
func (d *Dialog) setExt(ext string, st extState) {
	d.mu.Lock()
	d.exts[ext] = st
	d.mu.Unlock()
	d.publish()
}

// publish sets the status from the extensions' states and the link:
// error while any extension failed, subscribed when all are.
func (d *Dialog) publish() {
	d.mu.Lock()
	n, errs := 0, []string{}
	for _, s := range d.exts {
		if s.subscribed {
			n++
		}
		if s.err != "" {
			errs = append(errs, s.err)
		}
	}
	s := Status{
		State:     StateStarting,
		Detail:    fmt.Sprintf("%d of %d extensions subscribed", n, len(d.cfg.Watch)),
		Transport: d.network, Keepalive: d.ka, KeepaliveAt: d.kaAt,
		Dialect: dialectSet(d.dialects),
	}
	if l := d.shown; l != nil {
		adv, learned := l.advertised()
		s.Advertised, s.Learned = adv.String(), learned
	}
	d.mu.Unlock()
	slices.Sort(errs)
	errs = slices.Compact(errs) // a link error shows once, not per extension
	switch {
	case len(errs) > 0:
		s.State, s.Err = StateError, strings.Join(errs, "; ")
	case n == len(d.cfg.Watch):
		s.State = StateSubscribed
	}
	d.status.set(s)
}

// subscribed counts the extensions with an active subscription.
func (d *Dialog) subscribed() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, s := range d.exts {
		if s.subscribed {
			n++
		}
	}
	return n
}

func (d *Dialog) register(s *subscription) {
	d.mu.Lock()
	d.subs[s.callID] = s
	d.shown = s.link
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

// onLink returns the subscriptions using l.
func (d *Dialog) onLink(l *link) []*subscription {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []*subscription
	for _, s := range d.subs {
		if s.link == l {
			out = append(out, s)
		}
	}
	return out
}
