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
	"sync/atomic"
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
	ErrBadTransport = errors.New(`proxy transport must be "udp", "tcp" or "tls": fix source.proxy.transport`)
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

// WithProxyState keeps registrations and calls in progress in the file at
// path, so a restart of Callhook does not cut softphones off until they
// re-register.
func WithProxyState(path string) ProxyOption {
	return func(p *Proxy) { p.statePath = path }
}

// Proxy is the local SIP proxy source: a stateless, record-routing proxy
// (RFC 3261 §16.11) with two legs. The phone leg listens on Listen for
// the softphones on this machine; the PBX leg faces the PBX from the
// address the route to it takes, NAT-aware like a softphone. It keeps no
// transaction state, so forwarding never waits on anything but a socket;
// what it remembers (registrations, calls) serves routing back to the
// softphone and call observation.
type Proxy struct {
	cfg       ProxyConfig
	log       *slog.Logger
	status    statusBox
	tr        *Tracker
	upTrans   string // "udp", "tcp" or "tls"
	upHost    string
	upPort    int
	listenIP  string
	statePath string
	parser    *sipmsg.Parser

	// secret keys our Via branches, so a peer cannot forge a response
	// that matches one. Binding tokens are not keyed: the PBX holds them
	// across restarts.
	secret [16]byte

	regs   *registry
	calls  *callObserver
	phones connSet

	ctx       context.Context
	wake      chan struct{}
	badLogged atomic.Int64
	dirty     atomic.Bool   // state to save
	saveNow   chan struct{} // wakes the saver
	kaEvery   time.Duration

	// Set by Run before any message is handled.
	phoneUDP net.PacketConn
	pbx      *pbxLeg
	host     string // the phone leg's advertised address
	port     int

	mu        sync.Mutex
	keepalive string
	kaAt      time.Time
	pbxErr    string
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
	p := &Proxy{cfg: cfg, tr: tr, log: slog.New(slog.DiscardHandler), parser: sipmsg.NewParser(), wake: make(chan struct{}, 1),
		kaEvery: keepaliveEvery, saveNow: make(chan struct{}, 1)}
	t, err := normTransport(cfg.Transport)
	if err != nil {
		return nil, fmt.Errorf("new proxy: %w (got %q)", ErrBadTransport, cfg.Transport)
	}
	p.upTrans = t
	if cfg.Upstream == "" {
		return nil, fmt.Errorf("new proxy: %w", ErrNoUpstream)
	}
	host, port, err := splitHostPortDefault(cfg.Upstream, defaultPort(t))
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

// Addr returns the phone leg's host:port once Run is listening, "" before.
func (p *Proxy) Addr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.port == 0 {
		return ""
	}
	return net.JoinHostPort(p.host, strconv.Itoa(p.port))
}

// Run binds both legs and relays until ctx ends. A failure to bind or to
// resolve the PBX is returned and shown as StateError; a PBX that does
// not answer (or a TLS error) shows in the status while Run goes on.
func (p *Proxy) Run(ctx context.Context) error {
	p.ctx = ctx
	p.status.set(Status{State: StateStarting, Detail: "binding " + p.cfg.Listen, Transport: p.upTrans})
	fail := func(detail string, err error) error {
		p.status.set(Status{State: StateError, Err: err.Error(), Detail: detail, Transport: p.upTrans})
		return fmt.Errorf("run proxy: %w", err)
	}
	upAddrs, err := resolveUpstream(ctx, p.upHost, p.upPort)
	if err != nil {
		return fail("cannot resolve upstream "+p.cfg.Upstream, err)
	}
	pc, ln, err := listenPhone(ctx, p.cfg.Listen)
	if err != nil {
		return fail("cannot listen on "+p.cfg.Listen, err)
	}
	st := p.loadState()
	leg, err := p.bindPBXLeg(ctx, upAddrs, st)
	if err != nil {
		pc.Close()
		ln.Close()
		return fail("cannot reach the PBX", err)
	}
	laddr := pc.LocalAddr().(*net.UDPAddr)
	host := laddr.IP.String()
	if laddr.IP.IsUnspecified() {
		// A wildcard bind cannot be advertised; loopback is what local
		// softphones reach.
		host = "127.0.0.1"
	}
	p.mu.Lock()
	p.phoneUDP, p.pbx, p.host, p.port = pc, leg, host, laddr.Port
	p.mu.Unlock()
	p.restoreState(st)

	var wg sync.WaitGroup
	wg.Go(func() { p.serveUDP(pc, false) })
	wg.Go(func() { p.serveUDP(leg.udp, true) })
	wg.Go(func() { p.servePhoneTCP(ctx, ln) })
	wg.Go(func() { p.sweep(ctx) })
	wg.Go(func() { p.keepalives(ctx) })
	p.log.Info("sip proxy listening", "phones", p.Addr(), "upstream", p.cfg.Upstream, "transport", p.upTrans,
		"pbx_leg", leg.udp.LocalAddr().String())
	p.updateStatus()
	p.wakeKeepalive() // connect and learn our public address at once

	<-ctx.Done()
	pc.Close()
	ln.Close()
	leg.udp.Close()
	p.phones.closeAll()
	leg.closeAll()
	wg.Wait()
	p.saveState()
	p.status.set(Status{State: StateOff, Detail: "stopped"})
	return nil
}

// bindPBXLeg opens the PBX leg's UDP socket on the local address of the
// route to the PBX (or local_address), on the port it had before a
// restart where possible: the PBX may still route calls in progress to it.
func (p *Proxy) bindPBXLeg(ctx context.Context, upAddrs []string, st *proxyState) (*pbxLeg, error) {
	ip, port, err := localIP(ctx, p.cfg.LocalAddress, upAddrs[0])
	if err != nil {
		return nil, fmt.Errorf("%w: check source.proxy.upstream and the network (or set source.proxy.local_address)", err)
	}
	var ports []int
	if port != 0 {
		ports = []int{port}
	} else {
		if st != nil && st.PBXPort != 0 {
			ports = append(ports, st.PBXPort)
		}
		ports = append(ports, portOf(p.cfg.Listen), 0)
	}
	var lc net.ListenConfig
	var pc net.PacketConn
	for _, n := range ports {
		if pc, err = lc.ListenPacket(ctx, "udp", net.JoinHostPort(ip.String(), strconv.Itoa(n))); err == nil {
			break
		}
	}
	if err != nil {
		if p.cfg.LocalAddress != "" {
			return nil, fmt.Errorf("bind the PBX leg: %w: fix source.proxy.local_address", err)
		}
		return nil, fmt.Errorf("bind the PBX leg: %w", err)
	}
	leg := &pbxLeg{p: p, transport: p.upTrans, host: p.upHost, addrs: upAddrs, localIP: ip, udp: pc,
		conns: map[string]*streamConn{}, learned: map[string]string{}, waiters: map[string]chan *sipmsg.Response{},
		history: map[string]bool{}}
	if st != nil {
		for _, a := range st.Advertised {
			leg.history[a] = true
		}
	}
	if p.upTrans == TransportTLS {
		if leg.tlsConf, err = tlsConfig(p.upHost, p.cfg.CAFile); err != nil {
			pc.Close()
			return nil, fmt.Errorf("%w: fix source.proxy.ca_file", err)
		}
	}
	return leg, nil
}

func (l *pbxLeg) closeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.conns {
		c.Close()
	}
}

// sweep expires registrations and calls whose final response was lost,
// closes idle softphone connections and saves the state.
func (p *Proxy) sweep(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	var last time.Time        // the last save
	var soon <-chan time.Time // a save held back by saveGap
	save := func() {
		if p.dirty.Swap(false) {
			p.saveState()
			last = time.Now()
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if p.regs.expire(now) {
				p.updateStatus()
			}
			p.calls.expire(now)
			p.phones.reapIdle(now, p.servesPhone)
			save()
		case <-p.saveNow:
			// A call or binding changed: save at once, so a crash right
			// after a call started still finds it; under load at most
			// every saveGap, so bursts coalesce into one write.
			if wait := time.Until(last.Add(saveGap)); wait > 0 {
				if soon == nil {
					soon = time.After(wait)
				}
				continue
			}
			save()
		case <-soon:
			soon = nil
			save()
		}
	}
}

// saveGap is the least time between two saves of the state on changes:
// at 50 calls/s a save per change (INVITE, 200, BYE) cost the proxy
// about 1 ms of INVITE->200 latency in locks and writes; one every
// 100 ms costs nothing measurable and loses at most 100 ms of changes
// to a crash.
const saveGap = 100 * time.Millisecond

// markDirty notes that the state file is out of date.
func (p *Proxy) markDirty() {
	p.dirty.Store(true)
	select {
	case p.saveNow <- struct{}{}:
	default:
	}
}

// servesPhone reports whether the softphone at addr has a binding or a
// call through us, so its idle connection must stay.
func (p *Proxy) servesPhone(addr string) bool {
	return p.regs.hasFlow(addr) || p.calls.hasFlow(addr)
}

// handle is the entry point for every parsed message and the leg it came
// from. Whatever a peer sends, it must not take the proxy down.
func (p *Proxy) handle(msg sipmsg.Message, src flow) {
	defer func() {
		if r := recover(); r != nil {
			p.log.Error("sip proxy: message handling panicked", "panic", fmt.Sprint(r))
		}
	}()
	switch m := msg.(type) {
	case *sipmsg.Request:
		p.onRequest(m, src)
	case *sipmsg.Response:
		p.onResponse(m, src)
	}
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

// PBXLegAddr returns the PBX leg's local UDP address once Run is
// listening, "" before.
func (p *Proxy) PBXLegAddr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pbx == nil {
		return ""
	}
	return p.pbx.udp.LocalAddr().String()
}
