package sip

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
	sipmsg "github.com/emiago/sipgo/sip"
)

func TestViaReceived(t *testing.T) {
	tests := []struct {
		name string
		via  string
		want string // "" when nothing is learned
	}{
		{name: "nothing added", via: "SIP/2.0/UDP 10.0.0.5:40000;branch=z9hG4bK1;rport"},
		{name: "rport only", via: "SIP/2.0/UDP 10.0.0.5:40000;branch=z9hG4bK1;rport=40000", want: "10.0.0.5:40000"},
		{name: "received and rport", via: "SIP/2.0/UDP 10.0.0.5:40000;branch=z9hG4bK1;received=203.0.113.7;rport=61000", want: "203.0.113.7:61000"},
		{name: "received, no rport", via: "SIP/2.0/TCP 10.0.0.5:40000;branch=z9hG4bK1;received=203.0.113.7", want: "203.0.113.7:40000"},
		{name: "ipv6", via: "SIP/2.0/UDP [fd00::5]:40000;branch=z9hG4bK1;received=2001:db8::7;rport=5062", want: "[2001:db8::7]:5062"},
		{name: "received not an address", via: "SIP/2.0/UDP 10.0.0.5:40000;branch=z9hG4bK1;received=nat.example;rport=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := "SIP/2.0 200 OK\r\nVia: " + tt.via + "\r\nCSeq: 1 OPTIONS\r\nCall-ID: x\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nContent-Length: 0\r\n\r\n"
			m, err := sipmsg.ParseMessage([]byte(msg))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := viaReceived(m.(*sipmsg.Response).Via())
			if tt.want == "" {
				if ok {
					t.Fatalf("learned %v, want nothing", got)
				}
				return
			}
			if !ok || got.String() != tt.want {
				t.Fatalf("learned %v (%v), want %s", got, ok, tt.want)
			}
		})
	}
}

func TestLinkContact(t *testing.T) {
	local := netip.MustParseAddrPort("10.0.0.5:40000")
	tests := []struct {
		name    string
		network string
		via     string // a response's Via; "" for none
		want    string
		learned bool
		changed bool
	}{
		{name: "udp before learning", network: TransportUDP, want: "sip:1002@10.0.0.5:40000"},
		{name: "udp, no NAT", network: TransportUDP, via: "SIP/2.0/UDP 10.0.0.5:40000;rport=40000", want: "sip:1002@10.0.0.5:40000"},
		{name: "udp behind NAT", network: TransportUDP, via: "SIP/2.0/UDP 10.0.0.5:40000;received=203.0.113.7;rport=61000",
			want: "sip:1002@203.0.113.7:61000", learned: true, changed: true},
		{name: "tcp", network: TransportTCP, want: "sip:1002@10.0.0.5:40000;transport=tcp"},
		{name: "tls behind NAT", network: TransportTLS, via: "SIP/2.0/TLS 10.0.0.5:40000;received=203.0.113.7;rport=61000",
			want: "sip:1002@203.0.113.7:61000;transport=tls", learned: true, changed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &link{network: tt.network, local: local, dead: make(chan struct{})}
			changed := false
			if tt.via != "" {
				h, err := sipmsg.ParseMessage([]byte("SIP/2.0 200 OK\r\nVia: " + tt.via + ";branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n"))
				if err != nil {
					t.Fatal(err)
				}
				changed = l.learn(h.(*sipmsg.Response).Via())
			}
			if got := l.contact("1002").Address.String(); got != tt.want {
				t.Errorf("contact %s, want %s", got, tt.want)
			}
			if _, learned := l.advertised(); learned != tt.learned {
				t.Errorf("learned %v, want %v", learned, tt.learned)
			}
			if changed != tt.changed {
				t.Errorf("changed %v, want %v", changed, tt.changed)
			}
		})
	}
}

func TestDialogRoute(t *testing.T) {
	uri := func(s string) sipmsg.Uri {
		var u sipmsg.Uri
		if err := sipmsg.ParseUri(s, &u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	target := uri("sip:pbx@10.9.9.9:5099")
	tests := []struct {
		name       string
		routes     []sipmsg.Uri
		ruri       string
		wantRoutes string
	}{
		{name: "no route set", ruri: "sip:pbx@10.9.9.9:5099"},
		{name: "loose routers", routes: []sipmsg.Uri{uri("sip:p1.example;lr"), uri("sip:p2.example;lr")},
			ruri: "sip:pbx@10.9.9.9:5099", wantRoutes: "sip:p1.example;lr,sip:p2.example;lr"},
		{name: "strict router", routes: []sipmsg.Uri{uri("sip:p1.example"), uri("sip:p2.example;lr")},
			ruri: "sip:p1.example", wantRoutes: "sip:p2.example;lr,sip:pbx@10.9.9.9:5099"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ruri, routes := dialogRoute(target, tt.routes)
			var rs []string
			for _, r := range routes {
				rs = append(rs, r.String())
			}
			if ruri.String() != tt.ruri || strings.Join(rs, ",") != tt.wantRoutes {
				t.Errorf("got %s via %v, want %s via %s", ruri.String(), rs, tt.ruri, tt.wantRoutes)
			}
		})
	}
}

// TestSubscribeRequestInDialog checks that a refresh goes to the remote
// target through the reversed Record-Route of the 2xx, and still to the
// configured server.
func TestSubscribeRequestInDialog(t *testing.T) {
	d, err := NewDialog(DialogConfig{Server: "pbx.example.com", Transport: "tcp", Watch: []string{"1002"}}, NewTracker("max", nil, func(call.Event) {}))
	if err != nil {
		t.Fatal(err)
	}
	l := &link{network: TransportTCP, local: netip.MustParseAddrPort("10.0.0.5:40000"), dead: make(chan struct{})}
	sub := d.newSubscription("1002", l)

	first := d.subscribeRequest(sub, time.Minute)
	if got := first.Recipient.String(); got != "sip:1002@pbx.example.com" {
		t.Errorf("initial SUBSCRIBE to %s, want the watched AOR", got)
	}
	res, err := sipmsg.ParseMessage([]byte("SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 10.0.0.5:40000;branch=z9hG4bK1\r\n" +
		"Record-Route: <sip:edge.example;lr>, <sip:core.example;lr>\r\nRecord-Route: <sip:last.example;lr>\r\n" +
		"Contact: <sip:presence@10.9.9.9:5099;transport=tcp>\r\nTo: <sip:1002@pbx.example.com>;tag=pbx\r\nContent-Length: 0\r\n\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	sub.remoteTag = "pbx"
	sub.updateTarget(res.(*sipmsg.Response).Contact(), res.GetHeaders("Record-Route"), true)

	req := d.subscribeRequest(sub, time.Minute)
	if got, want := req.Recipient.String(), "sip:presence@10.9.9.9:5099;transport=tcp"; got != want {
		t.Errorf("refresh Request-URI %s, want the remote target %s", got, want)
	}
	var routes []string
	for _, h := range req.GetHeaders("Route") {
		routes = append(routes, h.Value())
	}
	if got, want := strings.Join(routes, ","), "<sip:last.example;lr>,<sip:core.example;lr>,<sip:edge.example;lr>"; got != want {
		t.Errorf("Route %s, want %s", got, want)
	}
	if got := req.Destination(); got != "pbx.example.com:5060" {
		t.Errorf("refresh sent to %s, want the configured server", got)
	}
	if got, want := req.Contact().Address.String(), "sip:callhook@10.0.0.5:40000;transport=tcp"; got != want {
		t.Errorf("Contact %s, want %s", got, want)
	}
	if tag, _ := req.To().Params.Get("tag"); tag != "pbx" {
		t.Errorf("To tag %q, want pbx", tag)
	}

	// A NOTIFY moves the target but not the route set.
	notify, err := sipmsg.ParseMessage([]byte("NOTIFY sip:1002@10.0.0.5:40000 SIP/2.0\r\nVia: SIP/2.0/TCP 10.9.9.9:5099;branch=z9hG4bK2\r\n" +
		"Record-Route: <sip:other.example;lr>\r\nContact: <sip:presence@10.9.9.10:5099;transport=tcp>\r\nContent-Length: 0\r\n\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	sub.updateTarget(notify.(*sipmsg.Request).Contact(), notify.GetHeaders("Record-Route"), false)
	req = d.subscribeRequest(sub, time.Minute)
	if got := req.Recipient.Host; got != "10.9.9.10" {
		t.Errorf("after NOTIFY, Request-URI host %s, want the NOTIFY's Contact", got)
	}
	if n := len(req.GetHeaders("Route")); n != 3 {
		t.Errorf("after NOTIFY, %d Route headers, want the 3 of the dialog", n)
	}
}

// TestDialogNATRefresh plays a PBX that starts to see the source from a
// NAT's address: the next keepalive OPTIONS learns it, and the source
// refreshes at once with a Contact naming it, in the dialog (remote
// target, route set) and still to the server.
func TestDialogNATRefresh(t *testing.T) {
	setKeepalive(t, 50*time.Millisecond)
	pbx := newFakeNotifier(t)
	d := startDialog(t, pbx, NewTracker("max", nil, func(call.Event) {}), WithDialogLogger(testLogger(t)))

	msg, from := pbx.read()
	sub := msg.(*sipmsg.Request)
	local := sub.Contact().Address
	if local.Host != "127.0.0.1" || local.Port == 0 {
		t.Fatalf("initial Contact %s, want the local address", local.String())
	}
	if _, ok := sub.Via().Params.Get("rport"); !ok {
		t.Errorf("Via %s without rport", sub.Via().Value())
	}
	res := pbx.answer(sub, 200, "OK")
	res.To().Params.Add("tag", "pbxtag")
	res.AppendHeader(sipmsg.NewHeader("Expires", "600"))
	res.AppendHeader(sipmsg.NewHeader("Contact", "<sip:presence@10.9.9.9:5099>"))
	res.AppendHeader(sipmsg.NewHeader("Record-Route", "<sip:edge.example;lr>"))
	pbx.send([]byte(res.String()), from)
	waitStatus(t, d, "subscribed", func(s Status) bool { return s.State == StateSubscribed })

	// Keepalives run while subscribed.
	before := pbx.options
	pbx.public = netip.MustParseAddrPort("203.0.113.7:61000")
	msg, _ = pbx.read() // answers OPTIONS until the refresh comes
	refresh := msg.(*sipmsg.Request)
	if pbx.options <= before {
		t.Errorf("no keepalive OPTIONS while subscribed")
	}
	if got := refresh.Contact().Address.String(); got != "sip:callhook@203.0.113.7:61000" {
		t.Errorf("refresh Contact %s, want the learned address", got)
	}
	if got := refresh.Recipient.String(); got != "sip:presence@10.9.9.9:5099" {
		t.Errorf("refresh Request-URI %s, want the remote target", got)
	}
	if rt := refresh.GetHeader("Route"); rt == nil || rt.Value() != "<sip:edge.example;lr>" {
		t.Errorf("refresh Route %v, want the route set", rt)
	}
	if refresh.CallID().Value() != sub.CallID().Value() {
		t.Errorf("refresh is a new subscription, want the same dialog")
	}
	pbx.send([]byte(pbx.answer(refresh, 200, "OK").String()), from)
	s := waitStatus(t, d, "the learned address", func(s Status) bool { return s.Advertised == "203.0.113.7:61000" })
	if !s.Learned || s.Transport != "udp" || s.Keepalive != "answered" || s.KeepaliveAt.IsZero() {
		t.Errorf("status %+v, want learned, udp, keepalive answered", s)
	}
}

// TestDialogKeepaliveIdle checks that no keepalive is sent while no
// subscription is active: only the OPTIONS probing a new link.
func TestDialogKeepaliveIdle(t *testing.T) {
	setKeepalive(t, 20*time.Millisecond)
	pbx := newFakeNotifier(t)
	d := startDialog(t, pbx, NewTracker("max", nil, func(call.Event) {}), WithDialogRetry(time.Minute, time.Minute), WithDialogLogger(testLogger(t)))
	msg, from := pbx.read()
	pbx.send([]byte(pbx.answer(msg.(*sipmsg.Request), 404, "Not Found").String()), from)
	s := waitStatus(t, d, "an error", func(s Status) bool { return s.State == StateError })
	if !strings.Contains(s.Err, "404") || !strings.Contains(s.Err, "source.dialog.watch") {
		t.Errorf("error %q, want the 404 and what to check", s.Err)
	}
	pbx.conn.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if n, _, err := pbx.conn.ReadFrom(make([]byte, 2048)); err == nil {
		t.Errorf("sent %d bytes while no subscription is active, want silence", n)
	}
	if pbx.options != 1 {
		t.Errorf("%d OPTIONS, want the one probing the link", pbx.options)
	}
}

// TestDialogTCP plays a PBX over TCP: the SUBSCRIBE's Contact names the
// connection's own address with transport=tcp, NOTIFYs come back on that
// connection, CRLF keepalives flow, and a dropped connection is replaced
// by a new one with a new subscription.
func TestDialogTCP(t *testing.T) {
	setKeepalive(t, 50*time.Millisecond)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var rec recorder
	d, err := NewDialog(DialogConfig{Server: ln.Addr().String(), Transport: "tcp", Domain: "pbx", Watch: []string{"1002"}},
		NewTracker("max", nil, rec.handle), WithDialogRetry(10*time.Millisecond, 50*time.Millisecond), WithDialogLogger(testLogger(t)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()

	var callIDs []string
	for round := range 2 {
		c, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		p := &streamPBX{t: t, c: c, r: bufio.NewReader(c)}
		sub := p.readRequest(sipmsg.SUBSCRIBE)
		callIDs = append(callIDs, sub.CallID().Value())
		if got, want := sub.Contact().Address.String(), "sip:callhook@"+c.RemoteAddr().String()+";transport=tcp"; got != want {
			t.Errorf("round %d: Contact %s, want the connection's address %s", round, got, want)
		}
		if via := sub.Via(); via.Transport != "TCP" || !via.Params.Has("rport") {
			t.Errorf("round %d: Via %s, want TCP with rport", round, via.Value())
		}
		res := sipmsg.NewResponseFromRequest(sub, 200, "OK", nil)
		res.To().Params.Add("tag", "pbxtag")
		res.AppendHeader(sipmsg.NewHeader("Expires", "600"))
		p.write(res.String())
		body := dialogDoc(1, "full", dlg(fmt.Sprintf("d%d", round), fmt.Sprintf("c%d", round), "recipient", "early", ""))
		tag, _ := sub.From().Params.Get("tag")
		p.write(fmt.Sprintf("NOTIFY %s SIP/2.0\r\nVia: SIP/2.0/TCP %s;branch=z9hG4bK-n%d\r\n"+
			"From: <sip:1002@pbx>;tag=pbxtag\r\nTo: <sip:callhook@pbx>;tag=%s\r\nCall-ID: %s\r\nCSeq: 1 NOTIFY\r\nMax-Forwards: 70\r\n"+
			"Contact: <sip:%s;transport=tcp>\r\nEvent: dialog\r\nSubscription-State: active;expires=600\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s",
			sub.Contact().Address.String(), c.LocalAddr(), round, tag, sub.CallID().Value(), c.LocalAddr(), DialogInfoType, len(body), body))
		if r := p.readResponse(); r.StatusCode != 200 {
			t.Fatalf("round %d: NOTIFY answered %d on the connection, want 200", round, r.StatusCode)
		}
		p.waitPing()
		waitStatus(t, d, "keepalive answered", func(s Status) bool {
			return s.State == StateSubscribed && s.Keepalive == "answered" && s.Transport == "tcp" && s.Advertised == c.RemoteAddr().String()
		})
		c.Close() // the PBX drops the connection: the source comes back
	}
	if callIDs[0] == callIDs[1] {
		t.Error("re-subscribe after the drop reused the Call-ID")
	}
	if got := dialogSummary(rec.settle(t, 2)); !strings.HasPrefix(got, "incoming.ring 1001>1002\n") || strings.Count(got, "incoming.ring") != 2 {
		t.Errorf("events:\n%s\nwant a ring per round", got)
	}
}

// streamPBX reads and writes SIP on one TCP connection for a test.
type streamPBX struct {
	t     *testing.T
	c     net.Conn
	r     *bufio.Reader
	pings int
}

// next reads the next message, answering double-CRLF pings.
func (p *streamPBX) next() sipmsg.Message {
	p.t.Helper()
	p.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var head bytes.Buffer
	for {
		line, err := p.r.ReadString('\n')
		if err != nil {
			p.t.Fatalf("read: %v", err)
		}
		if line == "\r\n" && head.Len() == 0 {
			if b, _ := p.r.Peek(2); string(b) == "\r\n" {
				p.r.Discard(2)
				p.pings++
				p.write("\r\n")
			}
			continue
		}
		head.WriteString(line)
		if line == "\r\n" {
			break
		}
	}
	n := 0
	for _, l := range strings.Split(head.String(), "\r\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "Content-Length") {
			n, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(p.r, body); err != nil {
		p.t.Fatalf("read body: %v", err)
	}
	msg, err := sipmsg.ParseMessage(append(head.Bytes(), body...))
	if err != nil {
		p.t.Fatalf("parse: %v", err)
	}
	return msg
}

// readRequest answers OPTIONS and returns the next request of method m.
func (p *streamPBX) readRequest(m sipmsg.RequestMethod) *sipmsg.Request {
	p.t.Helper()
	for {
		msg := p.next()
		req, ok := msg.(*sipmsg.Request)
		if !ok {
			p.t.Fatalf("got %s, want %s", msg.String(), m)
		}
		if req.Method == sipmsg.OPTIONS {
			res := sipmsg.NewResponseFromRequest(req, 200, "OK", nil)
			_, port, _ := net.SplitHostPort(p.c.RemoteAddr().String())
			res.Via().Params.Add("rport", port)
			p.write(res.String())
			continue
		}
		if req.Method != m {
			p.t.Fatalf("got %s, want %s", req.Method, m)
		}
		return req
	}
}

func (p *streamPBX) readResponse() *sipmsg.Response {
	p.t.Helper()
	msg := p.next()
	res, ok := msg.(*sipmsg.Response)
	if !ok {
		p.t.Fatalf("got %s, want a response", msg.String())
	}
	return res
}

// waitPing reads until a CRLF keepalive came (and was answered).
func (p *streamPBX) waitPing() {
	p.t.Helper()
	p.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for p.pings == 0 {
		b, err := p.r.Peek(4)
		if err != nil {
			p.t.Fatalf("wait for keepalive: %v", err)
		}
		if string(b) != "\r\n\r\n" {
			p.t.Fatalf("got %q, want a CRLF keepalive", b)
		}
		p.r.Discard(4)
		p.pings++
		p.write("\r\n")
	}
}

func (p *streamPBX) write(s string) {
	p.t.Helper()
	if _, err := p.c.Write([]byte(s)); err != nil {
		p.t.Fatalf("write: %v", err)
	}
}

func setKeepalive(t *testing.T, d time.Duration) {
	old := dialogKeepalive
	dialogKeepalive = d
	t.Cleanup(func() { dialogKeepalive = old })
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
