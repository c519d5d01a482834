package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakePBX is a dialog-event notifier on loopback that speaks whatever
// dialect the test hands it: it answers SUBSCRIBE (200, Expires, Contact)
// and OPTIONS, and sends NOTIFYs with increasing versions, over UDP to
// the SUBSCRIBE's Contact or over TCP on the connection the SUBSCRIBE
// came on, each waiting for its 200.
type fakePBX struct {
	t         *testing.T
	transport string
	addr      string
	udp       net.PacketConn
	ln        net.Listener

	mu      sync.Mutex
	sub     *fakeSub      // the latest subscription
	subbed  chan struct{} // a new subscription arrived
	answers map[string]chan int
	cseq    int
}

// fakeSub is one subscription: the dialog to NOTIFY in.
type fakeSub struct {
	callID, from, to string // To carries our tag
	target           net.Addr
	conn             net.Conn // tcp: the SUBSCRIBE's connection
	version          int
}

func startFakePBX(t *testing.T, transport string) *fakePBX {
	t.Helper()
	p := &fakePBX{t: t, transport: transport, subbed: make(chan struct{}, 16), answers: map[string]chan int{}}
	switch transport {
	case "udp":
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p.udp, p.addr = c, c.LocalAddr().String()
		go p.serveUDP()
	case "tcp":
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p.ln, p.addr = ln, ln.Addr().String()
		go p.serveTCP()
	}
	t.Cleanup(func() {
		if p.udp != nil {
			p.udp.Close()
		}
		if p.ln != nil {
			p.ln.Close()
		}
	})
	return p
}

func (p *fakePBX) serveUDP() {
	buf := make([]byte, 65535)
	for {
		n, from, err := p.udp.ReadFrom(buf)
		if err != nil {
			return
		}
		if m, err := readSIP(bufio.NewReader(bytes.NewReader(buf[:n]))); err == nil {
			p.handle(m, from, nil)
		}
	}
}

func (p *fakePBX) serveTCP() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			r := bufio.NewReader(c)
			for {
				m, err := readSIP(r)
				if err != nil {
					return
				}
				if m == nil { // a CRLF ping (RFC 5626): pong
					c.Write([]byte("\r\n"))
					continue
				}
				p.handle(m, c.RemoteAddr(), c)
			}
		}()
	}
}

// sipMsg is a parsed request or response: its first line, its headers by
// lower-case name (first value), and its body.
type sipMsg struct {
	first string
	hdr   map[string][]string
	body  []byte
}

func (m *sipMsg) get(name string) string {
	if v := m.hdr[strings.ToLower(name)]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// readSIP reads one message; nil, nil for a keepalive CRLF pair.
func readSIP(r *bufio.Reader) (*sipMsg, error) {
	m := &sipMsg{hdr: map[string][]string{}}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if m.first == "" {
			if line == "" {
				if next, _ := r.Peek(2); string(next) == "\r\n" {
					r.Discard(2)
					return nil, nil
				}
				continue
			}
			m.first = line
			continue
		}
		if line == "" {
			break
		}
		k, v, _ := strings.Cut(line, ":")
		k = strings.ToLower(strings.TrimSpace(k))
		switch k { // compact forms sipgo may use
		case "v":
			k = "via"
		case "f":
			k = "from"
		case "t":
			k = "to"
		case "i":
			k = "call-id"
		case "m":
			k = "contact"
		case "l":
			k = "content-length"
		}
		m.hdr[k] = append(m.hdr[k], strings.TrimSpace(v))
	}
	if n, _ := strconv.Atoi(m.get("content-length")); n > 0 {
		m.body = make([]byte, n)
		if _, err := io.ReadFull(r, m.body); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (p *fakePBX) handle(m *sipMsg, from net.Addr, conn net.Conn) {
	method, _, _ := strings.Cut(m.first, " ")
	switch method {
	case "SIP/2.0":
		p.mu.Lock()
		ch := p.answers[m.get("cseq")]
		p.mu.Unlock()
		if ch != nil {
			code, _ := strconv.Atoi(strings.Fields(m.first)[1])
			ch <- code
		}
	case "OPTIONS":
		p.send(from, conn, p.response(m, "", nil))
	case "SUBSCRIBE":
		to := m.get("to")
		if !strings.Contains(to, ";tag=") {
			to += ";tag=pbx" + strconv.FormatInt(time.Now().UnixNano(), 36)
		}
		p.send(from, conn, p.response(m, to, []string{
			"Expires: " + orDefaultStr(m.get("expires"), "600"),
			fmt.Sprintf("Contact: <sip:1002@%s;transport=%s>", p.addr, p.transport)}))
		if m.get("expires") == "0" {
			return
		}
		target := from
		if u := contactAddr(m.get("contact")); u != nil && conn == nil {
			target = u
		}
		p.mu.Lock()
		fresh := p.sub == nil || p.sub.callID != m.get("call-id")
		if fresh {
			p.sub = &fakeSub{callID: m.get("call-id"), from: m.get("from"), to: to, target: target, conn: conn}
		}
		p.mu.Unlock()
		if fresh {
			p.subbed <- struct{}{}
		}
	default:
		p.send(from, conn, p.response(m, "", nil))
	}
}

func orDefaultStr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

var contactURI = regexp.MustCompile(`sips?:(?:[^@>;]*@)?([^;>]+)`)

func contactAddr(contact string) net.Addr {
	sm := contactURI.FindStringSubmatch(contact)
	if sm == nil {
		return nil
	}
	a, err := net.ResolveUDPAddr("udp", sm[1])
	if err != nil {
		return nil
	}
	return a
}

// response builds a 200 to m; to replaces the To header when set.
func (p *fakePBX) response(m *sipMsg, to string, extra []string) []byte {
	var b strings.Builder
	b.WriteString("SIP/2.0 200 OK\r\n")
	for _, v := range m.hdr["via"] {
		b.WriteString("Via: " + v + "\r\n")
	}
	if to == "" {
		to = m.get("to")
	}
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %s\r\n", m.get("from"), to, m.get("call-id"), m.get("cseq"))
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("Content-Length: 0\r\n\r\n")
	return []byte(b.String())
}

func (p *fakePBX) send(to net.Addr, conn net.Conn, msg []byte) {
	var err error
	if conn != nil {
		_, err = conn.Write(msg)
	} else {
		_, err = p.udp.WriteTo(msg, to)
	}
	if err != nil {
		p.t.Logf("fake PBX send: %v", err)
	}
}

// waitSubscribed waits for a new subscription.
func (p *fakePBX) waitSubscribed(within time.Duration) {
	p.t.Helper()
	select {
	case <-p.subbed:
	case <-time.After(within):
		p.t.Fatalf("no SUBSCRIBE reached the fake PBX within %v", within)
	}
}

var dialogInfoVersion = regexp.MustCompile(`(<dialog-info[^>]*\sversion=")\d+(")`)

// notify sends one dialog-info document in the subscription, with the
// next version, and waits for the 200.
func (p *fakePBX) notify(doc string) {
	p.t.Helper()
	p.mu.Lock()
	s := p.sub
	p.cseq++
	cseq := fmt.Sprintf("%d NOTIFY", p.cseq)
	ch := make(chan int, 1)
	p.answers[cseq] = ch
	doc = dialogInfoVersion.ReplaceAllString(doc, fmt.Sprintf("${1}%d${2}", s.version))
	s.version++
	p.mu.Unlock()
	proto := strings.ToUpper(p.transport)
	local := p.addr
	msg := fmt.Sprintf("NOTIFY sip:1002@%s SIP/2.0\r\n"+
		"Via: SIP/2.0/%s %s;branch=z9hG4bK-fake-%d;rport\r\n"+
		"Max-Forwards: 70\r\nFrom: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %s\r\n"+
		"Contact: <sip:1002@%s;transport=%s>\r\nEvent: dialog\r\nSubscription-State: active;expires=600\r\n"+
		"Content-Type: application/dialog-info+xml\r\nContent-Length: %d\r\n\r\n%s",
		s.target.String(), proto, local, p.cseq, s.to, s.from, s.callID, cseq, local, p.transport, len(doc), doc)
	p.send(s.target, s.conn, []byte(msg))
	select {
	case code := <-ch:
		if code != 200 {
			p.t.Fatalf("NOTIFY answered %d, want 200", code)
		}
	case <-time.After(5 * time.Second):
		p.t.Fatalf("no answer to NOTIFY %s", cseq)
	}
}

// dialectDoc loads a golden document of sip/testdata/dialoginfo; pairs in
// repl replace text (another channel UUID, another caller).
func dialectDoc(t *testing.T, name string, repl ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "sip", "testdata", "dialoginfo", name+".xml"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.NewReplacer(repl...).Replace(string(b))
}

// dialectCall is one call the fake PBX plays: its documents and the hooks
// it must fire, once each.
type dialectCall struct {
	name     string
	docs     []string
	triggers []string
	want     map[string]string
}

// TestRunDialogModeDialects runs `callhook run` against a fake PBX that
// speaks each PBX's dialog-info dialect over UDP and TCP: answered,
// missed, held and outgoing calls fire every hook once with the right
// outcome, each call under its own id, and the status names the dialect.
func TestRunDialogModeDialects(t *testing.T) {
	const fsIn, fsOut = "4b0d3c1e-9a51-4d5f-8a3e-2f7f0b7c9d11", "9e2c5a70-1f3b-4c8e-b1d2-6a4f8e0c3b22"
	in := []string{"incoming.ring", "incoming.answer", "incoming.hangup"}
	missed := []string{"incoming.ring", "incoming.hangup", "incoming.missed"}
	out := []string{"outgoing.start", "outgoing.hangup"}
	answered := func(remote string) map[string]string {
		return map[string]string{"outcome": "answered", "remote": remote, "direction": "in", "callee": "1002"}
	}
	dialects := []struct {
		name, dialect string
		initial       string // the document a new subscription gets
		calls         func(t *testing.T, n int) []dialectCall
	}{
		{
			name: "asterisk pjsip", dialect: "asterisk", initial: "asterisk_pjsip_idle",
			calls: func(t *testing.T, _ int) []dialectCall {
				d := func(n string) string { return dialectDoc(t, n) }
				return []dialectCall{
					{"answered", []string{d("asterisk_pjsip_early"), d("asterisk_pjsip_confirmed"), d("asterisk_pjsip_idle")}, in, answered("")},
					{"missed", []string{d("asterisk_pjsip_early"), d("asterisk_pjsip_idle")}, missed,
						map[string]string{"outcome": "missed", "remote": "", "direction": "in"}},
					{"held", []string{d("asterisk_pjsip_early"), d("asterisk_pjsip_confirmed"), d("asterisk_pjsip_onhold"), d("asterisk_pjsip_confirmed"), d("asterisk_pjsip_idle")}, in, answered("")},
					{"outgoing", []string{d("asterisk_pjsip_confirmed"), d("asterisk_pjsip_onhold"), d("asterisk_pjsip_idle")}, out,
						map[string]string{"outcome": "", "remote": "", "direction": "out", "caller": "1002", "answer": ""}},
				}
			},
		},
		{
			name: "asterisk chan_sip notifycid", dialect: "asterisk-cid", initial: "asterisk_chansip_idle",
			calls: func(t *testing.T, _ int) []dialectCall {
				d := func(n string) string { return dialectDoc(t, n) }
				return []dialectCall{
					{"answered", []string{d("asterisk_chansip_notifycid_early"), d("asterisk_chansip_confirmed"), d("asterisk_chansip_idle")}, in, answered("03012345678")},
					{"missed", []string{d("asterisk_chansip_notifycid_early"), d("asterisk_chansip_idle")}, missed,
						map[string]string{"outcome": "missed", "remote": "03012345678"}},
					{"held", []string{d("asterisk_chansip_notifycid_early"), d("asterisk_chansip_confirmed"), d("asterisk_chansip_onhold"), d("asterisk_chansip_idle")}, in, answered("03012345678")},
					{"outgoing", []string{d("asterisk_chansip_confirmed"), d("asterisk_chansip_idle")}, out,
						map[string]string{"outcome": "", "direction": "out"}},
				}
			},
		},
		{
			name: "freeswitch", dialect: "freeswitch", initial: "empty",
			calls: func(t *testing.T, n int) []dialectCall {
				// Every call on its own channel UUID.
				u := func(id string, i int) string { return fmt.Sprintf("%s%02d", id[:len(id)-2], n*10+i) }
				d := func(name string, id string, i int) string { return dialectDoc(t, name, id, u(id, i)) }
				return []dialectCall{
					{"answered", []string{d("freeswitch_incoming_early", fsIn, 1), d("freeswitch_incoming_confirmed", fsIn, 1), d("freeswitch_terminated", fsIn, 1)}, in, answered("03012345678")},
					{"missed", []string{d("freeswitch_incoming_early", fsIn, 2), d("freeswitch_terminated", fsIn, 2)}, missed,
						map[string]string{"outcome": "missed", "remote": "03012345678"}},
					{"held", []string{d("freeswitch_incoming_early", fsIn, 3), d("freeswitch_incoming_confirmed", fsIn, 3), d("freeswitch_incoming_held", fsIn, 3),
						d("freeswitch_incoming_confirmed", fsIn, 3), d("freeswitch_terminated", fsIn, 3)}, in, answered("03012345678")},
					{"outgoing", []string{d("freeswitch_outgoing_confirmed", fsOut, 4), dialectDoc(t, "freeswitch_terminated", fsIn, u(fsOut, 4))}, out,
						map[string]string{"outcome": "", "remote": "004989123456", "direction": "out", "answer": ""}},
				}
			},
		},
	}
	for ti, transport := range []string{"udp", "tcp"} {
		t.Run(transport, func(t *testing.T) {
			for di, dl := range dialects {
				t.Run(dl.name, func(t *testing.T) {
					start := time.Now()
					pbx := startFakePBX(t, transport)
					rc := newReceiver(t)
					e := newEnv(t, fmt.Sprintf(`{
  "version": 1, "enabled": true, "user": "agent",
  "source": {"mode": "dialog", "dialog": {"server": %q, "transport": %q, "domain": "127.0.0.1", "username": "1002",
             "watch": ["1002"], "expires": 600}},
  "hooks": [{"id": "log", "enabled": true,
    "triggers": ["incoming.ring","incoming.answer","incoming.hangup","incoming.missed","outgoing.start","outgoing.answer","outgoing.hangup"],
    "action": "post", "url": %q, "content_type": "application/json",
    "body": "{\"trigger\":\"{trigger}\",\"caller\":\"{caller}\",\"callee\":\"{callee}\",\"remote\":\"{remote}\",\"outcome\":\"{outcome}\",\"call_id\":\"{call_id}\",\"direction\":\"{direction}\",\"answer\":\"{answer}\"}"}]
}`, pbx.addr, transport, rc.URL+"/events"))
					ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
					defer cancel()
					srv := e.startRun(ctx)
					pbx.waitSubscribed(15 * time.Second)
					pbx.notify(dialectDoc(t, dl.initial))
					srv.waitLog("state=subscribed", 15*time.Second)

					ids := map[any]string{}
					for _, c := range dl.calls(t, ti*10+di) {
						before := len(rc.requests())
						for _, doc := range c.docs {
							pbx.notify(doc)
						}
						for _, ev := range rc.callHooks(t, before, c.triggers, c.want) {
							id := fmt.Sprint(ev["call_id"])
							if other, ok := ids[id]; ok && other != c.name {
								t.Errorf("%s call has the id of the %s call: %s", c.name, other, id)
							}
							ids[id] = c.name
						}
					}
					if len(ids) != 4 {
						t.Errorf("%d call ids for 4 calls: %v", len(ids), ids)
					}
					srv.waitLog("dialect="+dl.dialect, 5*time.Second)
					srv.stop()
					if t.Failed() {
						t.Logf("callhook run log:\n%s", srv.logs())
					}
					t.Logf("%s over %s: %v", dl.name, transport, time.Since(start).Round(time.Millisecond))
				})
			}
		})
	}
}
