package sip

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	sipmsg "github.com/emiago/sipgo/sip"
)

// The PBX leg faces the network the way a softphone does: it sends from
// the address the route to the PBX takes, asks for rport (RFC 3581),
// learns the public address a NAT gave it from received/rport in the
// PBX's answers to OPTIONS and REGISTER, and advertises that address once
// known. Over TCP and TLS it opens the connection and keeps it, so the
// PBX's requests come back over it through any NAT.

const (
	probeBranch  = branchPrefix + "ka" // our OPTIONS probes and keepalives
	replayBranch = branchPrefix + "rr" // our re-REGISTERs
	probeTimeout = 2 * time.Second
	maxHistory   = 64 // advertised addresses remembered
	dialTimeout  = 5 * time.Second
)

// keepaliveEvery is how often the PBX leg pings while a softphone is
// registered or a call is up: below the 30 s UDP timeout common in NAT
// routers.
const keepaliveEvery = 25 * time.Second

// withKeepaliveEvery shortens the keepalive interval (tests).
func withKeepaliveEvery(d time.Duration) ProxyOption {
	return func(p *Proxy) { p.kaEvery = d }
}

type pbxLeg struct {
	p         *Proxy
	transport string // the configured transport
	host      string // as configured, for TLS names and messages
	addrs     []string
	tlsConf   *tls.Config
	localIP   net.IP
	udp       net.PacketConn

	dialMu sync.Mutex // one dial at a time

	mu      sync.Mutex
	conns   map[string]*streamConn // "tcp"/"tls" -> our connection to the PBX
	learned map[string]string      // "udp" or stream transport -> public ip:port
	waiters map[string]chan *sipmsg.Response
	// history holds every address advertised so far: a Route naming one
	// is ours even after the address changed.
	history map[string]bool
}

// upAddr is where the PBX listens: the first address the upstream
// resolved to, whatever the transport.
func (l *pbxLeg) upAddr() string { return l.addrs[0] }

func (l *pbxLeg) isUpstream(addr string) bool {
	for _, a := range l.addrs {
		if a == addr {
			return true
		}
	}
	return false
}

// advertised returns the address the PBX should use to reach us over t:
// the learned public one, else the socket's or connection's own. Stream
// transports must be connected first (conn).
func (l *pbxLeg) advertised(t string) (string, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	addr := l.learned[t]
	if addr == "" {
		if t == TransportUDP {
			addr = l.udp.LocalAddr().String()
		} else if c := l.conns[t]; c != nil {
			addr = c.LocalAddr().String()
		}
	}
	if addr == "" {
		addr = net.JoinHostPort(l.localIP.String(), "0")
	}
	if !l.history[addr] {
		// Bounded: a TCP leg gets a new address with every reconnect.
		for a := range l.history {
			if len(l.history) < maxHistory {
				break
			}
			delete(l.history, a)
		}
		l.history[addr] = true
	}
	host, port, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(port)
	return host, n
}

// natSeen reports whether the PBX sees us at another address than our
// own for t: a NAT is in the way.
func (l *pbxLeg) natSeen(t string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	learned := l.learned[t]
	if learned == "" {
		return false
	}
	own := l.udp.LocalAddr().String()
	if c := l.conns[t]; t != TransportUDP && c != nil {
		own = c.LocalAddr().String()
	}
	return learned != own
}

// ours reports whether host:port was ever advertised on this leg.
func (l *pbxLeg) ours(host string, port int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.history[net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(port))] {
		return true
	}
	a := l.udp.LocalAddr().(*net.UDPAddr)
	return port == a.Port && strings.Trim(host, "[]") == a.IP.String()
}

func (l *pbxLeg) current(t string) *streamConn {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.conns[t]
}

// conn returns our open connection to the PBX over t ("tcp" or "tls"),
// dialling it first, and probing it so its public address is known
// before anything that names it leaves.
func (l *pbxLeg) conn(t string) (*streamConn, error) {
	if c := l.current(t); c != nil {
		return c, nil
	}
	l.dialMu.Lock()
	defer l.dialMu.Unlock()
	if c := l.current(t); c != nil {
		return c, nil
	}
	c, err := l.dial(t)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.conns[t] = c
	delete(l.learned, t)
	l.mu.Unlock()
	go l.read(c)
	if _, err := l.probe(t, probeTimeout); err != nil {
		l.p.log.Debug("sip proxy: probe of new PBX connection", "transport", t, "error", err)
	}
	return c, nil
}

func (l *pbxLeg) dial(t string) (*streamConn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), dialTimeout)
	defer cancel()
	// No TCP keepalives: the CRLF pings keep the connection and its NAT
	// mapping alive, and tell whether the PBX still answers.
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: l.localIP}, KeepAlive: -1}
	raw, err := d.DialContext(ctx, "tcp", l.upAddr())
	if err != nil {
		return nil, fmt.Errorf("connect to the PBX at %s over %s: %w", l.upAddr(), t, err)
	}
	if t != TransportTLS {
		return newStreamConn(raw, t), nil
	}
	tc := tls.Client(raw, l.tlsConf)
	if err := tc.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, tlsError(l.host, "source.proxy", "upstream", err)
	}
	return newStreamConn(tc, t), nil
}

// read serves one PBX connection; when it ends, the PBX can no longer
// reach the softphones until we reconnect and re-register them.
func (l *pbxLeg) read(c *streamConn) {
	err := readStream(c, l.p.parser, func(m sipmsg.Message) {
		l.p.handle(m, flow{PBX: true, Transport: c.transport, Addr: l.upAddr()})
	})
	c.Close()
	l.mu.Lock()
	if l.conns[c.transport] == c {
		delete(l.conns, c.transport)
		delete(l.learned, c.transport)
	}
	l.mu.Unlock()
	if l.p.ctx.Err() == nil {
		l.p.log.Warn("sip proxy: connection to the PBX closed", "transport", c.transport, "error", err)
		l.p.wakeKeepalive()
	}
}

// send writes msg to the PBX over dst's transport.
func (l *pbxLeg) send(msg sipmsg.Message, dst flow) error {
	if dst.Transport == TransportUDP {
		a, err := net.ResolveUDPAddr("udp", dst.Addr)
		if err != nil {
			return err
		}
		_, err = l.udp.WriteTo(encode(msg, false), a)
		return err
	}
	c, err := l.conn(dst.Transport)
	if err != nil {
		return err
	}
	if err := c.write(encode(msg, true)); err != nil {
		c.Close()
		return err
	}
	return nil
}

// probe sends an OPTIONS to the PBX over t and waits for its answer,
// learning our public address from it. It returns the round trip.
func (l *pbxLeg) probe(t string, timeout time.Duration) (time.Duration, error) {
	host, port := l.advertised(t)
	branch := probeBranch + sipmsg.GenerateTagN(16)
	uh, up, _ := net.SplitHostPort(l.upAddr())
	ruri := sipmsg.Uri{Scheme: "sip", Host: uh, Port: atoi(up)}
	if t != TransportUDP {
		ruri.UriParams = sipmsg.HeaderParams{{K: "transport", V: t}}
	}
	req := sipmsg.NewRequest(sipmsg.OPTIONS, ruri)
	req.AppendHeader(&sipmsg.ViaHeader{ProtocolName: "SIP", ProtocolVersion: "2.0", Transport: strings.ToUpper(t),
		Host: host, Port: port, Params: sipmsg.HeaderParams{{K: "rport", V: ""}, {K: "branch", V: branch}}})
	mf := sipmsg.MaxForwardsHeader(70)
	req.AppendHeader(&mf)
	from := &sipmsg.FromHeader{Address: sipmsg.Uri{Scheme: "sip", User: "callhook", Host: host}}
	from.Params.Add("tag", sipmsg.GenerateTagN(10))
	req.AppendHeader(from)
	req.AppendHeader(&sipmsg.ToHeader{Address: sipmsg.Uri{Scheme: "sip", Host: uh}})
	cid := sipmsg.CallIDHeader(sipmsg.GenerateTagN(20) + "@callhook")
	req.AppendHeader(&cid)
	req.AppendHeader(&sipmsg.CSeqHeader{SeqNo: 1, MethodName: sipmsg.OPTIONS})
	req.AppendHeader(sipmsg.NewHeader("User-Agent", "callhook"))
	req.SetBody(nil)

	ch := make(chan *sipmsg.Response, 1)
	l.mu.Lock()
	l.waiters[branch] = ch
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		delete(l.waiters, branch)
		l.mu.Unlock()
	}()
	start := time.Now()
	if err := l.send(req, flow{PBX: true, Transport: t, Addr: l.upAddr()}); err != nil {
		return 0, err
	}
	select {
	case <-ch:
		return time.Since(start), nil
	case <-time.After(timeout):
		return 0, fmt.Errorf("no answer from the PBX at %s within %s", l.upAddr(), timeout)
	case <-l.p.ctx.Done():
		return 0, l.p.ctx.Err()
	}
}

// ownResponse handles answers to our own requests (probes, re-REGISTERs).
// It reports false for responses to relayed requests.
func (l *pbxLeg) ownResponse(res *sipmsg.Response, src flow) bool {
	via := res.Via()
	b, _ := via.Params.Get("branch")
	switch {
	case strings.HasPrefix(b, probeBranch):
		l.learn(src.Transport, via)
		l.mu.Lock()
		ch := l.waiters[b]
		l.mu.Unlock()
		if ch != nil && res.StatusCode >= 200 {
			select {
			case ch <- res:
			default:
			}
		}
		return true
	case strings.HasPrefix(b, replayBranch):
		if res.StatusCode < 200 {
			return true
		}
		l.learn(src.Transport, via)
		l.p.replayAnswered(res)
		return true
	}
	return false
}

// learn takes our public address from the received/rport the PBX put in
// our Via. A change re-registers the softphones, so the PBX reaches them
// at the new address.
func (l *pbxLeg) learn(t string, via *sipmsg.ViaHeader) {
	recv, ok := via.Params.Get("received")
	rport, rok := via.Params.Get("rport")
	if !ok && !rok {
		return
	}
	host, port := via.Host, via.Port
	if ok && net.ParseIP(recv) != nil {
		host = recv
	}
	if n := atoi(rport); n > 0 {
		port = n
	}
	addr := net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(port))
	l.mu.Lock()
	old := l.learned[t]
	if old == addr {
		l.mu.Unlock()
		return
	}
	l.learned[t] = addr
	l.mu.Unlock()
	if t == l.transport {
		l.p.log.Info("sip proxy: the PBX sees us at", "addr", addr, "transport", t, "before", old)
		l.p.updateStatus()
		l.p.readvertise(false)
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// keepalive pings the PBX over the configured transport: an OPTIONS over
// UDP (it also tells our public address), CRLFCRLF over TCP and TLS
// (RFC 5626 §4.4.1: the PBX answers CRLF), reconnecting a lost
// connection. It returns the outcome for the status: "answered" when the
// PBX answered.
func (l *pbxLeg) keepalive() string {
	if l.transport == TransportUDP {
		rtt, err := l.probe(TransportUDP, 3*time.Second)
		if err != nil {
			return "no answer: " + err.Error()
		}
		l.p.log.Debug("sip proxy: keepalive answered", "rtt", rtt)
		return kaAnswered
	}
	c := l.current(l.transport)
	if c == nil {
		var err error
		if c, err = l.conn(l.transport); err != nil {
			return kaNoConn + err.Error()
		}
		return kaAnswered
	}
	c.pong.Store(false)
	if err := c.write([]byte("\r\n\r\n")); err != nil {
		c.Close()
		return "connection lost: " + err.Error()
	}
	for range 40 {
		if c.pong.Load() {
			return kaAnswered
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "no answer to the CRLF ping within 2 s"
}

// Keepalive outcomes the status shows.
const (
	kaAnswered = "answered"
	kaNoConn   = "no connection: "
)

// readvertise re-registers every softphone whose binding the PBX holds at
// an address other than the one we advertise now (NAT mapping changed,
// connection re-opened), or every one with force (the PBX may have
// restarted), so incoming calls find it at once. The re-
// REGISTER carries the softphone's last credentials; a PBX that wants
// fresh ones gets them with the softphone's next REGISTER.
func (p *Proxy) readvertise(force bool) {
	t := p.upTrans
	if t != TransportUDP && p.pbx.current(t) == nil {
		return
	}
	host, port := p.pbx.advertised(t)
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	for _, req := range p.regs.stale(addr, force, time.Now()) {
		for _, h := range req.GetHeaders("Contact") {
			c, ok := h.(*sipmsg.ContactHeader)
			if !ok {
				continue
			}
			if tok, ok := c.Address.UriParams.Get(tokenParam); ok {
				c.Address = p.contactFor(c.Address.User, tok, t)
			}
		}
		dst := flow{PBX: true, Transport: t, Addr: p.pbx.upAddr()}
		via := p.ownVia(dst, replayBranch+sipmsg.GenerateTagN(16))
		req.PrependHeader(via)
		p.log.Info("sip proxy: re-registering at the new address", "aor", req.To().Address.String(), "contact", addr)
		if err := p.send(req, dst); err != nil {
			p.log.Warn("sip proxy: re-register", "error", err)
		}
	}
	p.markDirty()
}

// replayAnswered applies the PBX's answer to one of our re-REGISTERs.
func (p *Proxy) replayAnswered(res *sipmsg.Response) {
	switch {
	case res.IsSuccess():
		p.regs.confirm(res)
		p.markDirty()
		p.updateStatus()
	case res.StatusCode == 401 || res.StatusCode == 407:
		p.log.Warn("sip proxy: the PBX wants fresh credentials to move the registration to our new address; "+
			"incoming calls reach the softphone again after its next REGISTER", "aor", res.To().Address.String())
	default:
		p.log.Warn("sip proxy: re-register refused", "status", res.StatusCode, "reason", res.Reason)
	}
}
