package sip

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"syscall"
	"time"

	sipmsg "github.com/emiago/sipgo/sip"
)

// ProxyConfig configures the local SIP proxy source. The softphone uses
// Listen as its outbound proxy and registrar; Callhook relays to Upstream.
type ProxyConfig struct {
	// Listen is host:port to bind on UDP and TCP (default 127.0.0.1:5070).
	Listen string
	// Upstream is the PBX as host[:port] (port 5060 when omitted).
	Upstream string
	// Transport is "udp" (default), "tcp" or "tls", for traffic to
	// Upstream.
	Transport string
	// CAFile adds a PEM CA to the OS trust store for a TLS upstream.
	CAFile string
	// LocalAddress is the PBX leg's local IP[:port]; empty: the address
	// the route to Upstream takes, on an ephemeral port.
	LocalAddress string
	// RingTimeout is how long an unanswered call may go without a final
	// response before it is reported as missed: a safety net for a lost
	// CANCEL or final response, so calls never stay "ringing" forever.
	// Default 3 minutes.
	RingTimeout time.Duration
}

// Errors of the proxy source.
var (
	ErrNoUpstream   = errors.New("proxy upstream is empty: set source.proxy.upstream to the PBX host:port")
	ErrBadTransport = errors.New(`proxy transport must be "udp" or "tcp": fix source.proxy.transport`)
)

const (
	defaultProxyListen = "127.0.0.1:5070"
	defaultRingTimeout = 3 * time.Minute
)

// ProxyOption configures a Proxy.
type ProxyOption func(*Proxy)

// WithProxyLogger sets the proxy's logger.
func WithProxyLogger(l *slog.Logger) ProxyOption {
	return func(p *Proxy) {
		if l != nil {
			p.log = l
		}
	}
}

// WithProxyStatus sets a listener told of every status change.
func WithProxyStatus(fn func(Status)) ProxyOption {
	return func(p *Proxy) { p.status.onChange = fn }
}

// Proxy is the local SIP proxy source: a stateless, record-routing proxy
// (RFC 3261 §16.11) between the softphone and the PBX that reports what
// it relays to a Tracker. It keeps no transaction state, so forwarding
// never waits on anything but the socket; the little it remembers
// (registrations, calls) only serves routing back to the softphone and
// call observation.
type Proxy struct {
	cfg      ProxyConfig
	log      *slog.Logger
	status   statusBox
	tr       *Tracker
	upTrans  string // "udp" or "tcp"
	upHost   string
	upPort   int
	listenIP string

	// secret keys branch and binding tokens, so they are stable for this
	// process but cannot be forged by a peer.
	secret [16]byte

	regs  *registry
	calls *callObserver

	mu      sync.Mutex
	tl      *sipmsg.TransportLayer
	host    string // advertised in Via and Record-Route
	port    int
	udpAddr string
	upAddrs []string // resolved upstream ip:port
}

var _ Source = (*Proxy)(nil)

// NewProxy checks cfg and returns a proxy that reports calls to tr.
func NewProxy(cfg ProxyConfig, tr *Tracker, opts ...ProxyOption) (*Proxy, error) {
	if tr == nil {
		return nil, errors.New("new proxy: tracker is nil")
	}
	if cfg.Listen == "" {
		cfg.Listen = defaultProxyListen
	}
	if cfg.RingTimeout <= 0 {
		cfg.RingTimeout = defaultRingTimeout
	}
	p := &Proxy{cfg: cfg, tr: tr, log: slog.New(slog.DiscardHandler)}
	switch cfg.Transport {
	case "", "udp", "UDP":
		p.upTrans = "udp"
	case "tcp", "TCP":
		p.upTrans = "tcp"
	default:
		return nil, fmt.Errorf("new proxy: %w (got %q)", ErrBadTransport, cfg.Transport)
	}
	if cfg.Upstream == "" {
		return nil, fmt.Errorf("new proxy: %w", ErrNoUpstream)
	}
	host, port, err := splitHostPortDefault(cfg.Upstream, 5060)
	if err != nil {
		return nil, fmt.Errorf("new proxy: upstream %q is not host:port: fix source.proxy.upstream: %w", cfg.Upstream, err)
	}
	p.upHost, p.upPort = host, port
	lhost, _, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("new proxy: listen %q is not host:port: fix source.proxy.listen: %w", cfg.Listen, err)
	}
	p.listenIP = lhost
	for _, o := range opts {
		o(p)
	}
	if _, err := rand.Read(p.secret[:]); err != nil {
		return nil, fmt.Errorf("new proxy: read random: %w", err)
	}
	p.regs = newRegistry()
	p.calls = newCallObserver(tr, cfg.RingTimeout)
	p.status.set(Status{State: StateOff, Detail: "not started"})
	return p, nil
}

// Status returns the current status.
func (p *Proxy) Status() Status { return p.status.get() }

// Addr returns the bound host:port once Run is listening, "" before.
func (p *Proxy) Addr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.port == 0 {
		return ""
	}
	return net.JoinHostPort(p.host, strconv.Itoa(p.port))
}

// Run binds UDP and TCP on the listen address and relays until ctx ends.
// A bind failure is returned and shown as StateError.
func (p *Proxy) Run(ctx context.Context) error {
	p.status.set(Status{State: StateStarting, Detail: "binding " + p.cfg.Listen})
	pc, ln, err := listenBoth(ctx, p.cfg.Listen)
	if err != nil {
		p.status.set(Status{State: StateError, Err: err.Error(), Detail: "cannot listen on " + p.cfg.Listen})
		return fmt.Errorf("run proxy: %w", err)
	}
	upAddrs, err := resolveUpstream(ctx, p.upHost, p.upPort)
	if err != nil {
		pc.Close()
		ln.Close()
		p.status.set(Status{State: StateError, Err: err.Error(), Detail: "cannot resolve upstream " + p.cfg.Upstream})
		return fmt.Errorf("run proxy: %w", err)
	}

	tl := sipmsg.NewTransportLayer(net.DefaultResolver, sipmsg.NewParser(), nil,
		sipmsg.WithTransportLayerLogger(slog.New(debugOnly{p.log.Handler()}).With("part", "transport")))
	tl.OnMessage(p.handle)
	laddr := pc.LocalAddr().(*net.UDPAddr)
	host := laddr.IP.String()
	if laddr.IP.IsUnspecified() {
		// A wildcard bind cannot be advertised; loopback is what local
		// softphones reach.
		host = "127.0.0.1"
	}
	p.mu.Lock()
	p.tl, p.host, p.port, p.udpAddr, p.upAddrs = tl, host, laddr.Port, pc.LocalAddr().String(), upAddrs
	p.mu.Unlock()

	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); tl.ServeUDP(pc) }()
	go func() { defer wg.Done(); tl.ServeTCP(ln) }()
	go func() { defer wg.Done(); p.sweep(ctx) }()
	p.log.Info("sip proxy listening", "addr", p.Addr(), "upstream", p.cfg.Upstream, "transport", p.upTrans)
	p.updateStatus()

	<-ctx.Done()
	pc.Close()
	ln.Close()
	tl.Close()
	wg.Wait()
	p.status.set(Status{State: StateOff, Detail: "stopped"})
	return nil
}

// sweep expires registrations and calls whose final response was lost.
func (p *Proxy) sweep(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if p.regs.expire(now) {
				p.updateStatus()
			}
			p.calls.expire(now)
		}
	}
}

func (p *Proxy) updateStatus() {
	addr := p.Addr()
	n := p.regs.count(time.Now())
	if n == 0 {
		p.status.set(Status{State: StateListening, Detail: addr + " (udp, tcp)"})
		return
	}
	p.status.set(Status{State: StateRegistered, Registered: n,
		Detail: fmt.Sprintf("%d softphone contact(s) via %s (udp, tcp)", n, addr)})
}

// handle is the transport layer's entry point for every parsed message.
// Whatever a peer sends, it must not take the proxy down.
func (p *Proxy) handle(msg sipmsg.Message) {
	defer func() {
		if r := recover(); r != nil {
			p.log.Error("sip proxy: message handling panicked", "panic", fmt.Sprint(r))
		}
	}()
	switch m := msg.(type) {
	case *sipmsg.Request:
		p.onRequest(m)
	case *sipmsg.Response:
		p.onResponse(m)
	}
}

func listenBoth(ctx context.Context, addr string) (net.PacketConn, net.Listener, error) {
	var lc net.ListenConfig
	pc, err := lc.ListenPacket(ctx, "udp", addr)
	if err != nil {
		return nil, nil, listenError(err)
	}
	// With port 0 the TCP port follows the UDP one, so both share a number.
	ln, err := lc.Listen(ctx, "tcp", pc.LocalAddr().String())
	if err != nil {
		pc.Close()
		return nil, nil, listenError(err)
	}
	return pc, ln, nil
}

// listenError says what to do about a failed bind. The error itself
// ("listen udp 127.0.0.1:5070: bind: address already in use") names the
// address already.
func listenError(err error) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("%w: another program uses it; set source.proxy.listen to a free address", err)
	}
	return fmt.Errorf("%w: check source.proxy.listen", err)
}

func resolveUpstream(ctx context.Context, host string, port int) ([]string, error) {
	if ip := net.ParseIP(host); ip != nil {
		return []string{net.JoinHostPort(ip.String(), strconv.Itoa(port))}, nil
	}
	ips, err := net.DefaultResolver.LookupIP(ctx, "ip", host)
	if err != nil {
		return nil, fmt.Errorf("resolve upstream %s: %w", host, err)
	}
	var out []string
	for _, ip := range ips {
		out = append(out, net.JoinHostPort(ip.String(), strconv.Itoa(port)))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("resolve upstream %s: no addresses", host)
	}
	return out, nil
}

func splitHostPortDefault(s string, def int) (string, int, error) {
	host, portStr, err := net.SplitHostPort(s)
	if err != nil {
		// No port: the whole string is the host.
		if _, err2 := strconv.Atoi(s); err2 == nil || s == "" {
			return "", 0, err
		}
		return s, def, nil
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port <= 0 || port > 65535 {
		return "", 0, fmt.Errorf("bad port %q", portStr)
	}
	if host == "" {
		return "", 0, errors.New("empty host")
	}
	return host, port, nil
}

// debugOnly demotes every record to debug: sipgo's transport logs each
// unparsable datagram as an error, with its content, and peers control
// how many of those arrive.
type debugOnly struct{ h slog.Handler }

func (d debugOnly) Enabled(ctx context.Context, _ slog.Level) bool {
	return d.h.Enabled(ctx, slog.LevelDebug)
}

func (d debugOnly) Handle(ctx context.Context, r slog.Record) error {
	r.Level = slog.LevelDebug
	return d.h.Handle(ctx, r)
}

func (d debugOnly) WithAttrs(as []slog.Attr) slog.Handler { return debugOnly{d.h.WithAttrs(as)} }
func (d debugOnly) WithGroup(name string) slog.Handler    { return debugOnly{d.h.WithGroup(name)} }
