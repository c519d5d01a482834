package sip

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
	sipmsg "github.com/emiago/sipgo/sip"
)

// Proxy tests with plain UDP sockets as the softphone and the PBX: they
// see exactly what the proxy puts on the wire.

type udpPeer struct {
	t    *testing.T
	conn *net.UDPConn
}

func newUDPPeer(t *testing.T) *udpPeer {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &udpPeer{t: t, conn: c}
}

func (u *udpPeer) addr() string { return u.conn.LocalAddr().String() }

func (u *udpPeer) send(to, msg string) {
	u.t.Helper()
	msg = strings.ReplaceAll(strings.TrimLeft(msg, "\n"), "\n", "\r\n")
	dst, _ := net.ResolveUDPAddr("udp", to)
	if _, err := u.conn.WriteToUDP([]byte(msg), dst); err != nil {
		u.t.Fatal(err)
	}
}

// recv returns the next message, or nil after the timeout. The proxy's
// own OPTIONS probes and keepalives are skipped.
func (u *udpPeer) recv(timeout time.Duration) sipmsg.Message {
	u.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		m := u.recvAll(time.Until(deadline))
		if req, ok := m.(*sipmsg.Request); ok && req.Method == sipmsg.OPTIONS {
			if b, _ := req.Via().Params.Get("branch"); strings.HasPrefix(b, probeBranch) {
				continue
			}
		}
		return m
	}
}

// recvAll returns the next message, the proxy's probes included.
func (u *udpPeer) recvAll(timeout time.Duration) sipmsg.Message {
	u.t.Helper()
	buf := make([]byte, 65535)
	u.conn.SetReadDeadline(time.Now().Add(timeout))
	n, _, err := u.conn.ReadFromUDP(buf)
	if err != nil {
		return nil
	}
	m, err := sipmsg.ParseMessage(buf[:n])
	if err != nil {
		u.t.Fatalf("proxy sent unparsable message: %v\n%s", err, buf[:n])
	}
	return m
}

func (u *udpPeer) request(method sipmsg.RequestMethod) *sipmsg.Request {
	u.t.Helper()
	m := u.recv(2 * time.Second)
	req, ok := m.(*sipmsg.Request)
	if !ok || req.Method != method {
		u.t.Fatalf("got %v, want a %s request", m, method)
	}
	return req
}

func (u *udpPeer) response(code int) *sipmsg.Response {
	u.t.Helper()
	m := u.recv(2 * time.Second)
	res, ok := m.(*sipmsg.Response)
	if !ok || res.StatusCode != code {
		u.t.Fatalf("got %v, want a %d response", m, code)
	}
	return res
}

// answer builds a response to req the way a UAS does: its Vias, From,
// To (with tag), Call-ID and CSeq, plus extra header lines.
func answer(req *sipmsg.Request, status string, extra ...string) string {
	var b strings.Builder
	b.WriteString("SIP/2.0 " + status + "\n")
	for _, h := range req.GetHeaders("Via") {
		b.WriteString("Via: " + h.Value() + "\n")
	}
	for _, h := range req.GetHeaders("Record-Route") {
		b.WriteString("Record-Route: " + h.Value() + "\n")
	}
	to := req.To().Value()
	if !strings.Contains(to, "tag=") {
		to += ";tag=uas1"
	}
	fmt.Fprintf(&b, "From: %s\nTo: %s\nCall-ID: %s\nCSeq: %s\n", req.From().Value(), to, req.CallID().Value(), req.CSeq().Value())
	for _, e := range extra {
		b.WriteString(e + "\n")
	}
	b.WriteString("Content-Length: 0\n\n")
	return b.String()
}

func startUnitProxy(t *testing.T, upstream string, queues ...QueueRule) (*Proxy, *recorder) {
	t.Helper()
	return startUnitProxyWith(t, ProxyConfig{Upstream: upstream}, queues)
}

// startUnitProxyWith runs a proxy on an ephemeral loopback port with cfg
// until the test ends.
func startUnitProxyWith(t *testing.T, cfg ProxyConfig, queues []QueueRule, opts ...ProxyOption) (*Proxy, *recorder) {
	t.Helper()
	rec := &recorder{}
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	p, err := NewProxy(cfg, NewTracker("agent", queues, rec.handle), opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	for p.Addr() == "" || p.Status().State == StateStarting {
		time.Sleep(5 * time.Millisecond)
	}
	return p, rec
}

func invite(phone, proxy, callID, branch string, cseq int, extra string) string {
	return fmt.Sprintf(`
INVITE sip:2001@%[2]s SIP/2.0
Via: SIP/2.0/UDP %[1]s;branch=%[4]s
Max-Forwards: 70
From: "Agent" <sip:1001@pbx.test>;tag=a1
To: <sip:2001@pbx.test>
Call-ID: %[3]s
CSeq: %[5]d INVITE
Contact: <sip:1001@%[1]s>
%[6]sContent-Length: 0

`, phone, proxy, callID, branch, cseq, extra)
}

func TestProxyOutgoingCallOnTheWire(t *testing.T) {
	up, phone := newUDPPeer(t), newUDPPeer(t)
	p, rec := startUnitProxy(t, up.addr())

	phone.send(p.Addr(), invite(phone.addr(), p.Addr(), "c1", "z9hG4bK-1", 1, "X-Ticket: 42\n"))
	req := up.request(sipmsg.INVITE)
	if got, want := req.Recipient.Host+":"+fmt.Sprint(req.Recipient.Port), up.addr(); got != want {
		t.Errorf("request-uri host %s, want the upstream %s", got, want)
	}
	vias := req.GetHeaders("Via")
	if len(vias) != 2 || !strings.Contains(vias[0].Value(), p.PBXLegAddr()+";rport;branch="+branchPrefix) {
		t.Errorf("vias %v, want ours (the PBX leg's, asking for rport) on top of the phone's", vias)
	}
	if h := req.Headers(); len(h) < 4 || h[2].Name() != "Record-Route" || h[3].Name() != "Record-Route" {
		t.Errorf("headers %v, want our two Record-Routes right after the Via block", h)
	}
	if mf := req.MaxForwards().Val(); mf != 69 {
		t.Errorf("max-forwards %d, want 69", mf)
	}
	rr := req.GetHeaders("Record-Route")
	if len(rr) != 2 || !strings.Contains(rr[0].Value(), "ch=up") || !strings.Contains(rr[1].Value(), "ch=ph") {
		t.Errorf("record-route %v, want ch=up above ch=ph", rr)
	}

	up.send(p.PBXLegAddr(), answer(req, "180 Ringing"))
	if res := phone.response(180); len(res.GetHeaders("Via")) != 1 {
		t.Errorf("180 at phone has vias %v, want only the phone's", res.GetHeaders("Via"))
	}
	up.send(p.PBXLegAddr(), answer(req, "200 OK", "Contact: <sip:2001@"+up.addr()+">"))
	ok := phone.response(200)

	// The phone's BYE follows the route set: Route is our ch=ph entry then
	// ch=up (the reverse of Record-Route).
	routes := ok.GetHeaders("Record-Route")
	bye := fmt.Sprintf("BYE sip:2001@%s SIP/2.0\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-2\nMax-Forwards: 70\n"+
		"Route: %s\nRoute: %s\nFrom: <sip:1001@pbx.test>;tag=a1\nTo: %s\nCall-ID: c1\nCSeq: 2 BYE\nContent-Length: 0\n\n",
		up.addr(), phone.addr(), routes[1].Value(), routes[0].Value(), ok.To().Value())
	phone.send(p.Addr(), bye)
	byeUp := up.request(sipmsg.BYE)
	if r := byeUp.GetHeader("Route"); r != nil {
		t.Errorf("BYE upstream still has route %s, want ours popped", r.Value())
	}
	up.send(p.PBXLegAddr(), answer(byeUp, "200 OK"))
	phone.response(200)

	got := rec.settle(t, 3)
	checkEvents(t, got, "1001", "2001", "",
		want{trigger: call.OutgoingStart}, want{trigger: call.OutgoingAnswer},
		want{trigger: call.OutgoingHangup, outcome: call.Answered})
	if v, _ := got[0].Call.Header("x-ticket"); v != "42" {
		t.Errorf("header x-ticket %q, want 42", v)
	}
}

// A retransmitted INVITE and its CANCEL leave with the INVITE's branch,
// so the PBX matches them; the call rings once and ends cancelled.
func TestProxyCancelAndRetransmissionKeepBranch(t *testing.T) {
	up, phone := newUDPPeer(t), newUDPPeer(t)
	p, rec := startUnitProxy(t, up.addr())
	msg := invite(phone.addr(), p.Addr(), "c2", "z9hG4bK-inv", 1, "")
	phone.send(p.Addr(), msg)
	first := up.request(sipmsg.INVITE)
	phone.send(p.Addr(), msg)
	again := up.request(sipmsg.INVITE)
	cancel := strings.Replace(strings.Replace(msg, "INVITE sip:", "CANCEL sip:", 1), "1 INVITE", "1 CANCEL", 1)
	cancel = strings.Replace(cancel, "Reason", "X", 1)
	phone.send(p.Addr(), cancel)
	c := up.request(sipmsg.CANCEL)
	b0, _ := first.Via().Params.Get("branch")
	b1, _ := again.Via().Params.Get("branch")
	b2, _ := c.Via().Params.Get("branch")
	if b0 != b1 || b0 != b2 {
		t.Errorf("branches invite %s, retransmission %s, cancel %s: want one", b0, b1, b2)
	}
	up.send(p.PBXLegAddr(), answer(c, "200 OK"))
	phone.response(200)
	up.send(p.PBXLegAddr(), answer(first, "487 Request Terminated"))
	phone.response(487)
	checkEvents(t, rec.settle(t, 2), "1001", "2001", "",
		want{trigger: call.OutgoingStart}, want{trigger: call.OutgoingHangup, outcome: call.Cancelled})
}

func TestProxyRefuses(t *testing.T) {
	up, phone := newUDPPeer(t), newUDPPeer(t)
	p, _ := startUnitProxy(t, up.addr())
	for _, tc := range []struct {
		name  string
		extra string
		ruri  string
		code  int
	}{
		{"route to another host", "Route: <sip:evil.example.com;lr>\n", "", 403},
		{"loose route to another port", "Route: <sip:127.0.0.1:9;lr>\n", "", 403},
		{"max-forwards exhausted", "", "", 483},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := invite(phone.addr(), p.Addr(), "r-"+tc.name, "z9hG4bK-r", 1, tc.extra)
			if tc.ruri != "" {
				msg = strings.Replace(msg, "sip:2001@"+p.Addr(), tc.ruri, 1)
			}
			if tc.code == 483 {
				msg = strings.Replace(msg, "Max-Forwards: 70", "Max-Forwards: 0", 1)
			}
			phone.send(p.Addr(), msg)
			phone.response(tc.code)
			if m := up.recv(100 * time.Millisecond); m != nil {
				t.Errorf("upstream got %v, want nothing relayed", m)
			}
		})
	}
	// The PBX reaches only softphones we know: by binding token, call or
	// registered contact; a forged Route naming our phone side does not
	// open a way to other local ports.
	for _, tc := range []struct {
		name, ruri, extra string
		code              int
	}{
		{"unknown binding token", "sip:1001@" + p.PBXLegAddr() + ";chb=0123456789abcdef", "", 404},
		{"no known softphone", "sip:2001@" + p.PBXLegAddr(), "", 404},
		{"forged route to a local port", "sip:2001@127.0.0.1:9", "Route: <sip:" + p.Addr() + ";lr;ch=up;transport=tcp>\n", 404},
		{"route elsewhere", "sip:2001@127.0.0.1:9", "Route: <sip:127.0.0.1:9;lr>\n", 403},
	} {
		t.Run("pbx: "+tc.name, func(t *testing.T) {
			msg := strings.Replace(invite(up.addr(), p.PBXLegAddr(), "p-"+tc.name, "z9hG4bK-l", 1, tc.extra),
				"sip:2001@"+p.PBXLegAddr(), tc.ruri, 1)
			up.send(p.PBXLegAddr(), msg)
			up.response(tc.code)
			if m := phone.recv(100 * time.Millisecond); m != nil {
				t.Errorf("phone got %v, want nothing relayed", m)
			}
		})
	}
	t.Run("options ping answered locally", func(t *testing.T) {
		ping := strings.Replace(strings.Replace(invite(phone.addr(), p.Addr(), "ping", "z9hG4bK-p", 1, ""),
			"INVITE sip:2001@", "OPTIONS sip:", 1), "1 INVITE", "1 OPTIONS", 1)
		phone.send(p.Addr(), ping)
		phone.response(200)
		if m := up.recv(100 * time.Millisecond); m != nil {
			t.Errorf("upstream got %v, want the ping answered by the proxy", m)
		}
	})
}

// REGISTER goes up with a Contact at the proxy; challenges pass through
// untouched; the 200 comes back with the phone's own contact; calls to
// the registered contact reach the phone.
func TestProxyRegisterThenIncoming(t *testing.T) {
	up, phone := newUDPPeer(t), newUDPPeer(t)
	p, rec := startUnitProxy(t, up.addr())
	reg := func(cseq int, auth string) string {
		return fmt.Sprintf("REGISTER sip:%s SIP/2.0\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-reg%d;rport\nMax-Forwards: 70\n"+
			"From: <sip:1001@pbx.test>;tag=r1\nTo: <sip:1001@pbx.test>\nCall-ID: reg1\nCSeq: %d REGISTER\n"+
			"Contact: <sip:1001@%s>\n%sContent-Length: 0\n\n", p.Addr(), phone.addr(), cseq, cseq, phone.addr(), auth)
	}
	const challenge = `Digest realm="pbx.test", nonce="abc", qop="auth"`
	const creds = `Digest username="1001", realm="pbx.test", nonce="abc", uri="sip:pbx.test", response="0123", qop=auth, nc=00000001, cnonce="x"`
	phone.send(p.Addr(), reg(1, ""))
	r1 := up.request(sipmsg.REGISTER)
	up.send(p.PBXLegAddr(), answer(r1, "401 Unauthorized", "WWW-Authenticate: "+challenge))
	if got := phone.response(401).GetHeader("WWW-Authenticate").Value(); got != challenge {
		t.Errorf("challenge at phone %q, want it untouched %q", got, challenge)
	}
	phone.send(p.Addr(), reg(2, "Authorization: "+creds+"\n"))
	r2 := up.request(sipmsg.REGISTER)
	if got := r2.GetHeader("Authorization").Value(); got != creds {
		t.Errorf("authorization upstream %q, want it untouched %q", got, creds)
	}
	contact := r2.Contact()
	if contact == nil || contact.Address.Host+":"+fmt.Sprint(contact.Address.Port) != p.PBXLegAddr() || !contact.Address.UriParams.Has(tokenParam) {
		t.Fatalf("contact upstream %v, want one at the PBX leg with a token", contact)
	}
	up.send(p.PBXLegAddr(), answer(r2, "200 OK", "Contact: <"+contact.Address.String()+">;expires=60"))
	ok := phone.response(200)
	if got := ok.Contact().Address.String(); got != "sip:1001@"+phone.addr() {
		t.Errorf("contact in 200 at phone %s, want the phone's own", got)
	}
	if st := p.Status(); st.State != StateRegistered || st.Registered != 1 {
		t.Errorf("status %+v, want registered, 1 contact", st)
	}

	in := fmt.Sprintf("INVITE %s SIP/2.0\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-in\nMax-Forwards: 70\n"+
		"From: \"Remote\" <sip:3001@pbx.test>;tag=x\nTo: <sip:200@pbx.test>\nCall-ID: in1\nCSeq: 1 INVITE\n"+
		"Diversion: <sip:299@pbx.test>;reason=unconditional\nContent-Length: 0\n\n", contact.Address.String(), up.addr())
	up.send(p.PBXLegAddr(), in)
	got := phone.request(sipmsg.INVITE)
	if got.Recipient.String() != "sip:1001@"+phone.addr() {
		t.Errorf("request-uri at phone %s, want the phone's contact", got.Recipient.String())
	}
	phone.send(p.Addr(), answer(got, "603 Decline"))
	up.response(603)
	checkEvents(t, rec.settle(t, 3), "3001", "200", "",
		want{trigger: call.IncomingRing},
		want{trigger: call.IncomingHangup, outcome: call.Rejected},
		want{trigger: call.IncomingMissed, outcome: call.Rejected})
}

func TestProxyBindFailureIsStatusError(t *testing.T) {
	busy, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	var seen []Status
	p, err := NewProxy(ProxyConfig{Listen: busy.LocalAddr().String(), Upstream: "127.0.0.1:5060"},
		NewTracker("agent", nil, func(call.Event) {}), WithProxyStatus(func(s Status) { seen = append(seen, s) }))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(context.Background()); err == nil {
		t.Fatal("run on a busy port returned nil, want the bind error")
	}
	st := p.Status()
	if st.State != StateError || !strings.Contains(st.Err, "address already in use") {
		t.Errorf("status %+v, want error naming the bind failure", st)
	}
	if len(seen) == 0 || seen[len(seen)-1].State != StateError {
		t.Errorf("status listener saw %v, want it told of the error", seen)
	}
}

func TestNewProxyConfigErrors(t *testing.T) {
	tr := NewTracker("agent", nil, func(call.Event) {})
	for _, tc := range []struct {
		name string
		cfg  ProxyConfig
		want error
	}{
		{"no upstream", ProxyConfig{}, ErrNoUpstream},
		{"bad transport", ProxyConfig{Upstream: "pbx:5060", Transport: "sctp"}, ErrBadTransport},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewProxy(tc.cfg, tr); !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := NewProxy(ProxyConfig{Upstream: "pbx.example.com"}, tr); err != nil {
		t.Errorf("upstream without port: %v, want default port 5060", err)
	}
}
