package sip

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	sipmsg "github.com/emiago/sipgo/sip"
)

// What an adversarial test of the proxy found once a leg faces the
// network, each closed with a test that fails without the fix.

// A response carrying our Via is relayed only when it comes from where
// its request went and goes back where the request came from: a forged
// one (another source, or a second Via rewritten to another port) is
// dropped.
func TestProxyDropsForgedResponses(t *testing.T) {
	up, phone, stranger := newUDPPeer(t), newUDPPeer(t), newUDPPeer(t)
	p, _ := startUnitProxy(t, up.addr())
	phone.send(p.Addr(), invite(phone.addr(), p.Addr(), "f1", "z9hG4bK-f1", 1, ""))
	req := up.request(sipmsg.INVITE)

	stranger.send(p.PBXLegAddr(), answer(req, "200 OK"))
	if m := phone.recv(200 * time.Millisecond); m != nil {
		t.Errorf("a response from another host reached the phone: %v", m)
	}
	redirected := strings.Replace(answer(req, "180 Ringing"), phone.addr(), stranger.addr(), 1)
	up.send(p.PBXLegAddr(), redirected)
	if m := stranger.recv(200 * time.Millisecond); m != nil {
		t.Errorf("a response with a rewritten second Via was relayed to %s: %v", stranger.addr(), m)
	}
	up.send(p.PBXLegAddr(), answer(req, "180 Ringing"))
	phone.response(180)
}

// Messages up to the UDP datagram limit pass both ways: a 2 KB INVITE
// reaches a PBX that takes no TCP (after the §18.1.1 attempt fails), and
// a 1.9 KB 200 OK reaches the phone.
func TestProxyLargeUDPMessages(t *testing.T) {
	up, phone := newUDPPeer(t), newUDPPeer(t)
	p, _ := startUnitProxy(t, up.addr())
	sdp := "Content-Type: application/sdp\n" + strings.Repeat("X-Pad: "+strings.Repeat("v", 90)+"\n", 21)
	phone.send(p.Addr(), invite(phone.addr(), p.Addr(), "big", "z9hG4bK-big", 1, sdp))
	req := up.request(sipmsg.INVITE)
	if n := len(req.String()); n < 2000 {
		t.Fatalf("relayed INVITE has %d bytes, want the whole 2 KB one", n)
	}
	up.send(p.PBXLegAddr(), answer(req, "200 OK", strings.Split(strings.TrimSpace(strings.Repeat("X-Big: "+strings.Repeat("w", 90)+"\n", 19)), "\n")...))
	if res := phone.response(200); len(res.String()) < 1900 {
		t.Errorf("200 at phone has %d bytes, want the whole 1.9 KB one", len(res.String()))
	}
}

// tcpPBX is a PBX that takes one TCP connection and records what it
// reads, answering OPTIONS with 200.
type tcpPBX struct {
	ln   net.Listener
	msgs chan sipmsg.Message
	conn chan net.Conn
}

func newTCPPBX(t *testing.T) *tcpPBX {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s := &tcpPBX{ln: ln, msgs: make(chan sipmsg.Message, 64), conn: make(chan net.Conn, 4)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.conn <- c
			go func() {
				sc := newStreamConn(c, TransportTCP)
				readStream(sc, sipmsg.NewParser(), func(m sipmsg.Message) {
					if req, ok := m.(*sipmsg.Request); ok && req.Method == sipmsg.OPTIONS {
						res := sipmsg.NewResponseFromRequest(req, 200, "OK", nil)
						sc.write(encode(res, true))
						return
					}
					s.msgs <- m
				})
			}()
		}
	}()
	return s
}

// A UDP softphone may leave Content-Length out; relayed onto TCP the
// message gets one, or the PBX cannot find where it ends.
func TestProxyAddsContentLengthOnStreams(t *testing.T) {
	pbx, phone := newTCPPBX(t), newUDPPeer(t)
	p, _ := startUnitProxyWith(t, ProxyConfig{Upstream: pbx.ln.Addr().String(), Transport: "tcp"}, nil)
	reg := fmt.Sprintf("REGISTER sip:%s SIP/2.0\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-nocl\nMax-Forwards: 70\n"+
		"From: <sip:1001@pbx.test>;tag=r1\nTo: <sip:1001@pbx.test>\nCall-ID: nocl\nCSeq: 1 REGISTER\n"+
		"Contact: <sip:1001@%s>\n\n", p.Addr(), phone.addr(), phone.addr())
	phone.send(p.Addr(), reg)
	select {
	case m := <-pbx.msgs:
		if cl := m.ContentLength(); cl == nil || *cl != 0 {
			t.Errorf("REGISTER on TCP has Content-Length %v, want 0", cl)
		}
		if c := m.(*sipmsg.Request).Contact(); c == nil || c.Address.UriParams.Has("transport") == false {
			t.Errorf("contact %v, want ;transport=tcp on the PBX leg", c)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the REGISTER never reached the PBX over TCP")
	}
}

// Idle softphone connections are closed and their number is capped, and
// the listener goes on accepting: a flood of connections cannot stop it.
func TestProxyTCPConnectionLimits(t *testing.T) {
	up := newUDPPeer(t)
	p, _ := startUnitProxy(t, up.addr())
	var conns []net.Conn
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	for range maxPhoneConns + 50 {
		c, err := net.Dial("tcp", p.Addr())
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		conns = append(conns, c)
	}
	deadline := time.Now().Add(5 * time.Second)
	for p.phones.len() < maxPhoneConns && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := p.phones.len(); n != maxPhoneConns {
		t.Errorf("proxy holds %d connections, want the cap %d", n, maxPhoneConns)
	}
	// Every idle connection is closed after idleQuiet; then a new softphone
	// connects and is served.
	// The listener may still be taking connections from its backlog into
	// the room the reaping made: reap until none is left.
	deadline = time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && p.phones.len() > 0 {
		p.phones.reapIdle(time.Now().Add(idleQuiet+time.Second), p.servesPhone)
		time.Sleep(10 * time.Millisecond)
	}
	if n := p.phones.len(); n != 0 {
		t.Errorf("%d idle connections left after reaping, want 0", n)
	}
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ping := strings.ReplaceAll(fmt.Sprintf("OPTIONS sip:%s SIP/2.0\nVia: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK-tcp\nMax-Forwards: 70\n"+
		"From: <sip:p@x>;tag=1\nTo: <sip:%s>\nCall-ID: tcp1\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n", p.Addr(), p.Addr()), "\n", "\r\n")
	c.Write([]byte(ping))
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	buf := make([]byte, 2048)
	n, err := c.Read(buf)
	if err != nil || !strings.HasPrefix(string(buf[:n]), "SIP/2.0 200") {
		t.Errorf("after the flood a new connection got %q, %v; want 200 OK", buf[:n], err)
	}
}

// failingListener returns EMFILE a few times before a connection.
type failingListener struct {
	fails atomic.Int32
	conn  chan net.Conn
	once  sync.Once
	done  chan struct{}
}

func (l *failingListener) Accept() (net.Conn, error) {
	if l.fails.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "accept", Err: syscall.EMFILE}
	}
	select {
	case c := <-l.conn:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}
func (l *failingListener) Close() error   { l.once.Do(func() { close(l.done) }); return nil }
func (l *failingListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

func TestProxyAcceptSurvivesErrors(t *testing.T) {
	p, err := NewProxy(ProxyConfig{Upstream: "127.0.0.1:5060"}, NewTracker("agent", nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	p.host, p.listenIP = "127.0.0.1", "127.0.0.1"
	ln := &failingListener{conn: make(chan net.Conn, 1), done: make(chan struct{})}
	ln.fails.Store(5)
	a, b := net.Pipe()
	defer a.Close()
	ln.conn <- &pipeConn{Conn: b}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.servePhoneTCP(ctx, ln); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for p.phones.len() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if p.phones.len() != 1 {
		t.Error("after 5 EMFILE errors the listener did not accept the next connection")
	}
	cancel()
	ln.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("servePhoneTCP did not return after its context was cancelled")
	}
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatal(ctx.Err())
	}
}

// pipeConn is a net.Pipe end with a loopback TCP remote address.
type pipeConn struct{ net.Conn }

func (pipeConn) RemoteAddr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000} }

// The PBX's answers to our keepalives tell the public address a NAT gave
// us; once it changes, the proxy advertises it and re-registers the
// softphone there, with the CSeq moved on and the softphone's own CSeq
// given back to it afterwards.
func TestProxyLearnsPublicAddressAndReRegisters(t *testing.T) {
	up, phone := newUDPPeer(t), newUDPPeer(t)
	p, _ := startUnitProxyWith(t, ProxyConfig{Upstream: up.addr()}, nil, withKeepaliveEvery(100*time.Millisecond))
	reg := func(cseq int) string {
		return fmt.Sprintf("REGISTER sip:%s SIP/2.0\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-l%d\nMax-Forwards: 70\n"+
			"From: <sip:1001@pbx.test>;tag=r1\nTo: <sip:1001@pbx.test>\nCall-ID: learn1\nCSeq: %d REGISTER\n"+
			"Contact: <sip:1001@%s>\nAuthorization: Digest username=\"1001\"\nContent-Length: 0\n\n", p.Addr(), phone.addr(), cseq, cseq, phone.addr())
	}
	phone.send(p.Addr(), reg(1))
	r1 := up.request(sipmsg.REGISTER)
	up.send(p.PBXLegAddr(), answer(r1, "200 OK", "Contact: <"+r1.Contact().Address.String()+">;expires=300"))
	// The softphone is told 120 s, so it comes back often enough to
	// restore a binding a restarted PBX lost.
	if exp, _ := phone.response(200).Contact().Params.Get("expires"); exp != "120" {
		t.Errorf("expires at the softphone %q, want the cap 120", exp)
	}

	// The NAT: the PBX says it saw us at 203.0.113.7:40000.
	var replay *sipmsg.Request
	deadline := time.Now().Add(15 * time.Second)
	for replay == nil && time.Now().Before(deadline) {
		m := up.recvAll(500 * time.Millisecond)
		req, ok := m.(*sipmsg.Request)
		if !ok {
			continue
		}
		switch req.Method {
		case sipmsg.OPTIONS:
			res := answer(req, "200 OK")
			res = strings.Replace(res, ";rport;", ";rport=40000;received=203.0.113.7;", 1)
			up.send(p.PBXLegAddr(), res)
		case sipmsg.REGISTER:
			replay = req
		}
	}
	if replay == nil {
		t.Fatal("no re-REGISTER after the public address changed")
	}
	if c := replay.Contact().Address; c.Host != "203.0.113.7" || c.Port != 40000 {
		t.Errorf("re-REGISTER contact %s, want the learned 203.0.113.7:40000", c.String())
	}
	if v := replay.Via(); v.Host != "203.0.113.7" || v.Port != 40000 {
		t.Errorf("re-REGISTER via %s, want the learned address", v.Value())
	}
	if replay.CSeq().SeqNo != 2 || replay.GetHeader("Authorization") == nil {
		t.Errorf("re-REGISTER CSeq %d, auth %v; want 2 and the softphone's credentials", replay.CSeq().SeqNo, replay.GetHeader("Authorization"))
	}
	if st := p.Status(); st.Advertised != "203.0.113.7:40000" || !st.Learned {
		t.Errorf("status %+v, want the learned address advertised", st)
	}

	// The softphone's next REGISTER (its CSeq 2) goes up above every
	// re-REGISTER's CSeq, and its answer comes back as 2.
	phone.send(p.Addr(), reg(2))
	var r2 *sipmsg.Request
	deadline = time.Now().Add(10 * time.Second)
	for r2 == nil && time.Now().Before(deadline) {
		req, ok := up.recvAll(500 * time.Millisecond).(*sipmsg.Request)
		if !ok || req.Method != sipmsg.REGISTER {
			continue
		}
		if b, _ := req.Via().Params.Get("branch"); strings.HasPrefix(b, replayBranch) {
			replay = req // another re-REGISTER
			continue
		}
		r2 = req
	}
	if r2 == nil || r2.CSeq().SeqNo <= replay.CSeq().SeqNo {
		t.Fatalf("softphone's REGISTER upstream %v, want a CSeq above the re-REGISTER's %d", r2, replay.CSeq().SeqNo)
	}
	up.send(p.PBXLegAddr(), answer(r2, "200 OK", "Contact: <"+r2.Contact().Address.String()+">;expires=300"))
	var ok *sipmsg.Response
	for ok == nil && time.Now().Before(deadline) {
		ok, _ = phone.recv(500 * time.Millisecond).(*sipmsg.Response)
	}
	if ok == nil || ok.CSeq().SeqNo != 2 {
		t.Errorf("200 at the softphone %v, want its own CSeq 2", ok)
	}
}

// runProxy runs a proxy with cfg until stop is called (or the test ends).
func runProxy(t *testing.T, cfg ProxyConfig, rec *recorder, opts ...ProxyOption) (p *Proxy, stop func()) {
	t.Helper()
	p, err := NewProxy(cfg, NewTracker("agent", nil, rec.handle), opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	for p.Addr() == "" || p.Status().State == StateStarting {
		time.Sleep(5 * time.Millisecond)
	}
	return p, stop
}

// After a restart of Callhook the PBX's BYE for a call that was up, sent
// to the softphone's GRUU (which names no reachable port), still reaches
// the softphone over the flow the call came in on, and the hangup fires.
func TestProxyRestartKeepsCallFlows(t *testing.T) {
	up, phone := newUDPPeer(t), newUDPPeer(t)
	rec := &recorder{}
	cfg := ProxyConfig{Listen: "127.0.0.1:0", Upstream: up.addr()}
	state := WithProxyState(t.TempDir() + "/proxy-state.json")
	p, stop := runProxy(t, cfg, rec, state)

	gruu := "sip:1001@127.0.0.1;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
	phone.send(p.Addr(), fmt.Sprintf("REGISTER sip:%s SIP/2.0\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-g1\nMax-Forwards: 70\n"+
		"From: <sip:1001@pbx.test>;tag=r1\nTo: <sip:1001@pbx.test>\nCall-ID: gruu1\nCSeq: 1 REGISTER\n"+
		"Contact: <sip:1001@%s>\nContent-Length: 0\n\n", p.Addr(), phone.addr(), phone.addr()))
	r := up.request(sipmsg.REGISTER)
	contact := r.Contact().Address.String()
	up.send(p.PBXLegAddr(), answer(r, "200 OK", "Contact: <"+contact+">;expires=600"))
	phone.response(200)

	up.send(p.PBXLegAddr(), fmt.Sprintf("INVITE %s SIP/2.0\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-gi\nMax-Forwards: 70\n"+
		"Record-Route: <sip:%s;lr>\nFrom: <sip:3001@pbx.test>;tag=x\nTo: <sip:1001@pbx.test>\nCall-ID: gcall\nCSeq: 1 INVITE\n"+
		"Contact: <sip:3001@%s>\nContent-Length: 0\n\n", contact, up.addr(), up.addr(), up.addr()))
	inv := phone.request(sipmsg.INVITE)
	phone.send(p.Addr(), answer(inv, "200 OK", "Contact: <"+gruu+">"))
	ok := up.response(200)
	rec.settle(t, 2)

	listen, pbxLeg := p.Addr(), p.PBXLegAddr()
	stop()
	cfg.Listen = listen
	p, _ = runProxy(t, cfg, rec, state)
	if p.PBXLegAddr() != pbxLeg {
		t.Errorf("PBX leg after restart on %s, want the same %s", p.PBXLegAddr(), pbxLeg)
	}
	var routes []string
	for _, h := range ok.GetHeaders("Record-Route") {
		routes = append([]string{"Route: " + h.Value()}, routes...)
	}
	routes = routes[1:] // the PBX's own entry
	up.send(p.PBXLegAddr(), fmt.Sprintf("BYE %s SIP/2.0\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-gb\nMax-Forwards: 70\n%s\n"+
		"From: <sip:3001@pbx.test>;tag=x\nTo: %s\nCall-ID: gcall\nCSeq: 2 BYE\nContent-Length: 0\n\n",
		gruu, up.addr(), strings.Join(routes, "\n"), ok.To().Value()))
	bye := phone.request(sipmsg.BYE)
	phone.send(p.Addr(), answer(bye, "200 OK"))
	up.response(200)
	got := rec.settle(t, 3)
	if len(got) != 3 || got[2].Trigger != "incoming.hangup" {
		t.Errorf("events %v, want ring, answer and, after the restart, hangup", got)
	}
}

// An unparsable datagram is logged cut short: the parser's error quotes
// the line it could not parse, which a peer makes as long as a datagram
// (issue #10: a PBX sending garbage filled the log).
func TestProxyUnparsableMessageLogIsShort(t *testing.T) {
	var buf logBuffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	up, phone := newUDPPeer(t), newUDPPeer(t)
	p, _ := startUnitProxyWith(t, ProxyConfig{Upstream: up.addr()}, nil, WithProxyLogger(log))
	phone.send(p.Addr(), strings.Repeat("garbage ", 2<<10)+"\n\n")
	// One socket, read in order: once the INVITE is through, the
	// garbage has been logged.
	phone.send(p.Addr(), invite(phone.addr(), p.Addr(), "after-garbage", "z9hG4bK-ag", 1, ""))
	up.request(sipmsg.INVITE)
	bad := 0
	for _, l := range buf.lines() {
		if !strings.Contains(l, "unparsable message dropped") {
			continue
		}
		bad++
		if len(l) > sipgoLogMaxValue+512 {
			t.Errorf("log line of %d bytes: %.300s…", len(l), l)
		}
	}
	if bad != 1 {
		t.Errorf("%d lines for the unparsable datagram, want 1:\n%s", bad, strings.Join(buf.lines(), "\n"))
	}
}
