package sip

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	sipmsg "github.com/emiago/sipgo/sip"
)

// A link is the path the subscriptions share to the PBX: for udp the
// socket NOTIFYs arrive on, for tcp and tls one connection we opened,
// which the PBX must reuse for its NOTIFYs (behind NAT it cannot connect
// to us). The Contact names the link's address as the PBX sees it: the
// one its received/rport told us once known, else the local one.

// dialogKeepalive is how often a link with an active subscription is
// kept alive: below the 30 s many NATs keep an idle UDP binding. Tests
// shorten it.
var dialogKeepalive = 25 * time.Second

// dialogProbeTimeout bounds the OPTIONS sent when a link opens, which learns
// the public address before the first SUBSCRIBE names it.
var dialogProbeTimeout = 2 * time.Second

// ErrLinkDropped is the connection to the PBX closing under a
// subscription.
var ErrLinkDropped = errors.New("connection to the PBX dropped")

type link struct {
	network string         // udp, tcp or tls
	local   netip.AddrPort // our end of the socket or connection
	client  *sipgo.Client  // sends from local
	conn    *watchedConn   // tcp and tls; nil for udp
	close   func()

	dead     chan struct{} // closed when the connection dropped or closed
	deadOnce sync.Once

	mu     sync.Mutex
	public netip.AddrPort // from received/rport; invalid until learned
}

func (l *link) markDead() { l.deadOnce.Do(func() { close(l.dead) }) }

func (l *link) alive() bool {
	select {
	case <-l.dead:
		return false
	default:
		return true
	}
}

// advertised is the address the PBX sees for this link, and whether it
// came from the PBX and differs from ours (a NAT is in the way).
func (l *link) advertised() (netip.AddrPort, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.public.IsValid() {
		return l.public, l.public != l.local
	}
	return l.local, false
}

// learn records the address the PBX saw in the top Via of one of its
// answers and reports whether the advertised address changed.
func (l *link) learn(via *sipmsg.ViaHeader) bool {
	pub, ok := viaReceived(via)
	if !ok {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	before := l.local
	if l.public.IsValid() {
		before = l.public
	}
	l.public = pub
	return pub != before
}

// viaReceived reads the source address the PBX saw from our Via in its
// answer (RFC 3581): received replaces the host, rport the port. Without
// either the PBX saw the sent-by we wrote.
func viaReceived(via *sipmsg.ViaHeader) (netip.AddrPort, bool) {
	if via == nil || via.Params == nil {
		return netip.AddrPort{}, false
	}
	host, port := via.Host, via.Port
	rec, hasRec := via.Params.Get("received")
	rport, _ := via.Params.Get("rport")
	if !hasRec && rport == "" {
		return netip.AddrPort{}, false
	}
	if hasRec && rec != "" {
		host = rec
	}
	if n, err := strconv.Atoi(rport); err == nil && n > 0 && n <= 65535 {
		port = n
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	if err != nil || port <= 0 || port > 65535 {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(ip.Unmap(), uint16(port)), true
}

// contact is the Contact of requests on this link for user.
func (l *link) contact(user string) *sipmsg.ContactHeader {
	adv, _ := l.advertised()
	c := &sipmsg.ContactHeader{Address: sipmsg.Uri{
		Scheme: "sip", User: user, Host: adv.Addr().String(), Port: int(adv.Port()),
	}}
	if l.network != TransportUDP {
		c.Address.UriParams = sipmsg.HeaderParams{{K: "transport", V: l.network}}
	}
	return c
}

// prepare addresses req to the PBX over this link.
func (l *link) prepare(req *sipmsg.Request, server string) {
	req.SetTransport(strings.ToUpper(l.network))
	req.SetDestination(server)
	if l.conn != nil {
		// The pool knows the connection by our end: without this, a
		// dropped connection would be silently replaced by a new one
		// the Contact does not name.
		req.Laddr = sipmsg.Addr{IP: l.local.Addr().AsSlice(), Port: int(l.local.Port())}
	}
}

// linkFor returns the link subscriptions use, opening a new one when
// there is none, it dropped, or (udp) the route to the PBX now leaves
// from another address, as after a change of network.
func (d *Dialog) linkFor(ctx context.Context) (*link, error) {
	d.linkMu.Lock()
	defer d.linkMu.Unlock()
	ip, port, err := localIP(ctx, d.cfg.LocalAddress, d.server)
	if err != nil {
		return nil, fmt.Errorf("%w: check source.dialog.server and local_address", err)
	}
	if l := d.cur; l != nil && l.alive() && (l.conn != nil || l.local.Addr() == addrOf(ip)) {
		return l, nil
	}
	if d.cur != nil {
		d.cur.close()
	}
	d.cur = nil
	var l *link
	if d.network == TransportUDP {
		l, err = d.udpLink(ctx, ip, port)
	} else {
		l, err = d.streamLink(ctx, ip, port)
	}
	if err != nil {
		return nil, err
	}
	d.cur = l
	d.mu.Lock()
	d.shown, d.ka, d.kaAt = l, "", time.Time{}
	d.mu.Unlock()
	d.log.Info("link to the PBX open", "local", l.local.String(), "network", l.network, "server", d.server)
	d.probe(ctx, l)
	d.wg.Go(func() { d.keepalive(ctx, l) })
	return l, nil
}

func addrOf(ip net.IP) netip.Addr {
	a, _ := netip.AddrFromSlice(ip)
	return a.Unmap()
}

// udpLink binds the socket that sends the SUBSCRIBEs and receives the
// NOTIFYs: one port for both keeps the NAT binding the PBX answers to.
func (d *Dialog) udpLink(ctx context.Context, ip net.IP, port int) (*link, error) {
	addr := net.JoinHostPort(ip.String(), strconv.Itoa(port))
	c, err := net.ListenPacket("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("bind udp %s: %w: set source.dialog.local_address to an address and free port of this machine", addr, err)
	}
	local := c.LocalAddr().(*net.UDPAddr).AddrPort()
	local = netip.AddrPortFrom(local.Addr().Unmap(), local.Port())
	l := &link{network: TransportUDP, local: local, dead: make(chan struct{})}
	d.wg.Go(func() {
		if err := d.srv.ServeUDP(c); err != nil && l.alive() {
			d.log.Debug("serve udp", "err", err)
		}
		l.markDead()
	})
	l.close = func() { l.markDead(); c.Close() }
	return d.ready(ctx, l)
}

// ready waits until sipgo serves l and gives l a client sending from it.
func (d *Dialog) ready(ctx context.Context, l *link) (*link, error) {
	if err := waitServing(ctx, d.ua, l.network, l.local.String()); err != nil {
		l.close()
		return nil, err
	}
	c, err := sipgo.NewClient(d.ua, sipgo.WithClientLogger(d.sipgoLog),
		sipgo.WithClientHostname(l.local.Addr().String()), sipgo.WithClientPort(int(l.local.Port())),
		sipgo.WithClientConnectionAddr(l.local.String()), sipgo.WithClientNAT())
	if err != nil {
		l.close()
		return nil, fmt.Errorf("create client: %w", err)
	}
	l.client = c
	return l, nil
}

// waitServing waits until sipgo serves the socket or connection at addr:
// requests sent before would make it open another.
func waitServing(ctx context.Context, ua *sipgo.UserAgent, network, addr string) error {
	for range 200 {
		if c, err := ua.TransportLayer().GetConnection(network, addr); err == nil {
			c.TryClose() // GetConnection took a reference
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return fmt.Errorf("serve %s %s: not ready", network, addr)
}

// streamLink connects to the PBX over tcp or tls and hands the connection
// to sipgo as if it had been accepted: sipgo then reads it, passes the
// NOTIFYs arriving on it to the server and our requests' answers to the
// client, and sends the requests whose Laddr names it. Dialing it here
// tells us its address before the first SUBSCRIBE, the TLS error as it
// is, and (through watchedConn) at once when it drops.
func (d *Dialog) streamLink(ctx context.Context, ip net.IP, port int) (*link, error) {
	dialer := net.Dialer{LocalAddr: &net.TCPAddr{IP: ip, Port: port}, Timeout: requestTimeout, KeepAlive: -1} // CRLF pings instead
	raw, err := dialer.DialContext(ctx, "tcp", d.server)
	if err != nil {
		return nil, fmt.Errorf("connect to the PBX at %s over %s: %w: check source.dialog.server and transport", d.server, d.network, err)
	}
	var c net.Conn = raw
	if d.network == TransportTLS {
		tc := tls.Client(raw, d.tlsConf)
		hctx, cancel := context.WithTimeout(ctx, requestTimeout)
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			raw.Close()
			return nil, tlsError(d.host, "source.dialog", "server", err)
		}
		c = tc
	}
	local := raw.LocalAddr().(*net.TCPAddr).AddrPort()
	local = netip.AddrPortFrom(local.Addr().Unmap(), local.Port())
	l := &link{network: d.network, local: local, dead: make(chan struct{})}
	l.conn = &watchedConn{Conn: c, dropped: l.markDead, pong: func() { d.keepaliveAnswered(l, "answered") }}
	ln := newOneConnListener(l.conn)
	serve := d.srv.ServeTCP
	if d.network == TransportTLS {
		serve = d.srv.ServeTLS
	}
	d.wg.Go(func() { serve(ln) })
	l.close = func() { l.markDead(); ln.Close(); l.conn.Close() }
	return d.ready(ctx, l)
}

// watchedConn tells its link when the connection fails and when the PBX
// answers a CRLF keepalive (RFC 5626 section 3.5.1).
type watchedConn struct {
	net.Conn
	dropped func()
	pong    func()

	mu      sync.Mutex
	pinging bool
}

func (c *watchedConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if err != nil {
		c.dropped()
	}
	if n > 0 && n <= 2 && len(bytes.Trim(b[:n], "\r\n")) == 0 {
		c.mu.Lock()
		was := c.pinging
		c.pinging = false
		c.mu.Unlock()
		if was {
			c.pong()
		}
	}
	return n, err
}

func (c *watchedConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	if err != nil {
		c.dropped()
	}
	return n, err
}

func (c *watchedConn) ping() error {
	c.mu.Lock()
	c.pinging = true
	c.mu.Unlock()
	_, err := c.Write([]byte("\r\n\r\n"))
	return err
}

// oneConnListener accepts one connection, then blocks until closed.
type oneConnListener struct {
	conn      chan net.Conn
	addr      net.Addr
	done      chan struct{}
	closeOnce sync.Once
}

func newOneConnListener(c net.Conn) *oneConnListener {
	l := &oneConnListener{conn: make(chan net.Conn, 1), addr: c.LocalAddr(), done: make(chan struct{})}
	l.conn <- c
	return l
}

func (l *oneConnListener) Accept() (net.Conn, error) {
	select {
	case <-l.done:
		return nil, net.ErrClosed
	default:
	}
	select {
	case c := <-l.conn:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *oneConnListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return nil
}

func (l *oneConnListener) Addr() net.Addr { return l.addr }

// keepalive keeps l's NAT binding and connection open while a
// subscription is active: OPTIONS on udp (which also learns a changed
// rport), a CRLF ping on tcp and tls.
func (d *Dialog) keepalive(ctx context.Context, l *link) {
	t := time.NewTicker(dialogKeepalive)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-l.dead:
			return
		case <-t.C:
		}
		if d.subscribed() == 0 {
			continue
		}
		if l.conn == nil {
			d.probe(ctx, l)
			continue
		}
		d.keepaliveSent(l)
		if err := l.conn.ping(); err != nil {
			d.keepaliveAnswered(l, "failed: "+err.Error())
		}
	}
}

// probe sends an OPTIONS to the PBX over l and learns the address it
// saw; a changed address refreshes every subscription at once, so that
// their Contact names it.
func (d *Dialog) probe(ctx context.Context, l *link) {
	ctx, cancel := context.WithTimeout(ctx, dialogProbeTimeout)
	defer cancel()
	host, port, _ := net.SplitHostPort(d.server)
	n, _ := strconv.Atoi(port)
	req := sipmsg.NewRequest(sipmsg.OPTIONS, sipmsg.Uri{Scheme: "sip", Host: strings.Trim(host, "[]"), Port: n})
	l.prepare(req, d.server)
	req.AppendHeader(sipmsg.NewHeader("User-Agent", "callhook"))
	d.keepaliveSent(l)
	res, err := l.client.Do(ctx, req)
	if err != nil {
		d.keepaliveAnswered(l, fmt.Sprintf("no answer within %v from %s", dialogProbeTimeout, d.server))
		return
	}
	d.keepaliveAnswered(l, "answered")
	d.learn(l, res)
}

// learn takes the address the PBX saw from its answer res on l.
func (d *Dialog) learn(l *link, res *sipmsg.Response) {
	if !l.learn(res.Via()) {
		d.publish()
		return
	}
	adv, _ := l.advertised()
	d.log.Info("PBX sees another address: refreshing the subscriptions", "local", l.local.String(), "public", adv.String())
	d.publish()
	for _, s := range d.onLink(l) {
		select {
		case s.refresh <- struct{}{}:
		default:
		}
	}
}

func (d *Dialog) keepaliveSent(l *link) {
	d.mu.Lock()
	if d.shown == l {
		d.kaAt = time.Now()
	}
	d.mu.Unlock()
}

func (d *Dialog) keepaliveAnswered(l *link, outcome string) {
	d.mu.Lock()
	shown := d.shown == l
	if shown {
		d.ka = outcome
	}
	d.mu.Unlock()
	if shown {
		d.publish()
	}
}
