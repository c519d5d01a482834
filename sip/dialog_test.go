package sip

import (
	"context"
	"errors"
	"fmt"
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

func TestNewDialogConfig(t *testing.T) {
	tr := NewTracker("max", nil, func(call.Event) {})
	tests := []struct {
		name    string
		cfg     DialogConfig
		wantErr string
	}{
		{name: "minimal", cfg: DialogConfig{Server: "pbx.example.com", Username: "1002"}},
		{name: "full", cfg: DialogConfig{Server: "127.0.0.1:5080", Transport: "TCP", Domain: "example.com", Watch: []string{"1002", "sip:1003@example.com"}}},
		{name: "no server", cfg: DialogConfig{Watch: []string{"1"}}, wantErr: "source.dialog.server"},
		{name: "bad port", cfg: DialogConfig{Server: "pbx:http", Watch: []string{"1"}}, wantErr: "bad port"},
		{name: "tls", cfg: DialogConfig{Server: "pbx.example.com", Transport: "tls", Watch: []string{"1"}}},
		{name: "bad transport", cfg: DialogConfig{Server: "pbx", Transport: "sctp", Watch: []string{"1"}}, wantErr: "source.dialog.transport"},
		{name: "missing CA file", cfg: DialogConfig{Server: "pbx", Transport: "tls", CAFile: "/nonexistent/ca.pem", Watch: []string{"1"}}, wantErr: "source.dialog.ca_file"},
		{name: "bad local address", cfg: DialogConfig{Server: "pbx", LocalAddress: "myhost", Watch: []string{"1"}}, wantErr: "source.dialog.local_address"},
		{name: "nothing to watch", cfg: DialogConfig{Server: "pbx"}, wantErr: "source.dialog.watch"},
		{name: "blank extension", cfg: DialogConfig{Server: "pbx", Watch: []string{" "}}, wantErr: "empty extension"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := NewDialog(tt.cfg, tr)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("NewDialog: %v", err)
				}
				if s := d.Status(); s.State != StateOff {
					t.Errorf("status before Run = %+v, want off", s)
				}
				return
			}
			if !errors.Is(err, ErrDialogConfig) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("NewDialog err = %v, want ErrDialogConfig naming %q", err, tt.wantErr)
			}
		})
	}
}

// fakeNotifier is a bare UDP peer playing the PBX, so that a test can
// send exactly the NOTIFYs it needs. It answers OPTIONS by itself.
type fakeNotifier struct {
	t    *testing.T
	conn net.PacketConn
	// public, when set, is the address a NAT gave the source: answers
	// carry it as received and rport.
	public  netip.AddrPort
	options int // OPTIONS answered
}

func newFakeNotifier(t *testing.T) *fakeNotifier {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &fakeNotifier{t: t, conn: c}
}

// read returns the next request other than OPTIONS, or response, within
// 5 s.
func (f *fakeNotifier) read() (sipmsg.Message, net.Addr) {
	f.t.Helper()
	buf := make([]byte, 65535)
	for {
		f.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, from, err := f.conn.ReadFrom(buf)
		if err != nil {
			f.t.Fatalf("fake notifier read: %v", err)
		}
		msg, err := sipmsg.ParseMessage(buf[:n])
		if err != nil {
			f.t.Fatalf("parse %q: %v", buf[:n], err)
		}
		if req, ok := msg.(*sipmsg.Request); ok && req.Method == sipmsg.OPTIONS {
			f.options++
			f.send([]byte(f.answer(req, 200, "OK").String()), from)
			continue
		}
		return msg, from
	}
}

// answer builds a response to req with the received and rport a NAT
// at f.public would make the PBX write.
func (f *fakeNotifier) answer(req *sipmsg.Request, code int, reason string) *sipmsg.Response {
	res := sipmsg.NewResponseFromRequest(req, code, reason, nil)
	if f.public.IsValid() {
		res.Via().Params.Add("received", f.public.Addr().String())
		res.Via().Params.Add("rport", strconv.Itoa(int(f.public.Port())))
	}
	return res
}

// acceptSubscribe reads a SUBSCRIBE and answers 200.
func (f *fakeNotifier) acceptSubscribe() (*sipmsg.Request, net.Addr) {
	f.t.Helper()
	msg, from := f.read()
	req, ok := msg.(*sipmsg.Request)
	if !ok || req.Method != sipmsg.SUBSCRIBE {
		f.t.Fatalf("got %s, want SUBSCRIBE", msg.String())
	}
	if ev := req.GetHeader("Event"); ev == nil || ev.Value() != "dialog" {
		f.t.Errorf("SUBSCRIBE without Event: dialog")
	}
	if a := req.GetHeader("Accept"); a == nil || a.Value() != DialogInfoType {
		f.t.Errorf("SUBSCRIBE without Accept: %s", DialogInfoType)
	}
	res := f.answer(req, 200, "OK")
	res.To().Params.Add("tag", "pbxtag")
	res.AppendHeader(sipmsg.NewHeader("Expires", "60"))
	f.send([]byte(res.String()), from)
	return req, from
}

func (f *fakeNotifier) send(b []byte, to net.Addr) {
	if _, err := f.conn.WriteTo(b, to); err != nil {
		f.t.Fatal(err)
	}
}

// notify sends a NOTIFY in sub's dialog (or with another Call-ID) and
// returns the status code of the answer.
func (f *fakeNotifier) notify(sub *sipmsg.Request, to net.Addr, callID, state, body string, cseq int) int {
	f.t.Helper()
	return f.notifyType(sub, to, callID, state, DialogInfoType, body, cseq)
}

// notifyType is notify with the body's Content-Type.
func (f *fakeNotifier) notifyType(sub *sipmsg.Request, to net.Addr, callID, state, ctype, body string, cseq int) int {
	f.t.Helper()
	tag, _ := sub.From().Params.Get("tag")
	msg := fmt.Sprintf("NOTIFY %s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-%s-%d\r\n"+
		"From: <%s>;tag=pbxtag\r\nTo: <%s>;tag=%s\r\nCall-ID: %s\r\nCSeq: %d NOTIFY\r\nMax-Forwards: 70\r\n"+
		"Event: dialog\r\nSubscription-State: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s",
		sub.Contact().Address.String(), f.conn.LocalAddr(), callID, cseq, sub.To().Address.String(),
		sub.From().Address.String(), tag, callID, cseq, state, ctype, len(body), body)
	f.send([]byte(msg), to)
	res, _ := f.read()
	r, ok := res.(*sipmsg.Response)
	if !ok {
		f.t.Fatalf("got %s, want a response to NOTIFY", res.String())
	}
	return r.StatusCode
}

// TestDialogNotifyHandling drives the source with hand-made NOTIFYs: a
// document rings a call, a NOTIFY of an unknown subscription gets 481,
// and a terminated subscription is replaced by a new one.
func TestDialogNotifyHandling(t *testing.T) {
	pbx := newFakeNotifier(t)
	var rec recorder
	tr := NewTracker("max", nil, rec.handle)
	d, err := NewDialog(DialogConfig{Server: pbx.conn.LocalAddr().String(), Domain: "pbx", Watch: []string{"1002"}},
		tr, WithDialogRetry(10*time.Millisecond, 50*time.Millisecond), WithDialogLogger(slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()

	sub, from := pbx.acceptSubscribe()
	if got := sub.Recipient.String(); got != "sip:1002@pbx" {
		t.Errorf("SUBSCRIBE request URI %s, want sip:1002@pbx", got)
	}
	callID := sub.CallID().Value()
	if code := pbx.notify(sub, from, callID, "active;expires=60", "", 1); code != 200 {
		t.Errorf("initial empty NOTIFY answered %d, want 200", code)
	}
	body := dialogDoc(1, "full", dlg("d1", "c1", "recipient", "early", ""))
	if code := pbx.notify(sub, from, callID, "active;expires=59", body, 2); code != 200 {
		t.Errorf("NOTIFY answered %d, want 200", code)
	}
	if code := pbx.notify(sub, from, "unknown-call-id", "active", body, 3); code != 481 {
		t.Errorf("NOTIFY of unknown subscription answered %d, want 481", code)
	}
	waitStatus(t, d, "subscribed", func(s Status) bool {
		return s.State == StateSubscribed && s.Detail == "1 of 1 extensions subscribed"
	})
	if code := pbx.notify(sub, from, callID, "terminated;reason=deactivated", "", 4); code != 200 {
		t.Errorf("terminating NOTIFY answered %d, want 200", code)
	}
	again, _ := pbx.acceptSubscribe()
	if again.CallID().Value() == callID {
		t.Error("re-subscribe reused the ended subscription's Call-ID")
	}
	if _, ok := again.To().Params.Get("tag"); ok {
		t.Error("re-subscribe is not an initial SUBSCRIBE (has a To tag)")
	}
	// The new subscription starts counting versions again.
	body = dialogDoc(1, "full", dlg("d1", "c1", "recipient", "confirmed", ""))
	if code := pbx.notify(again, from, again.CallID().Value(), "active", body, 1); code != 200 {
		t.Errorf("NOTIFY answered %d, want 200", code)
	}
	// The NOTIFY may overtake the 200 on its way into the source.
	waitStatus(t, d, "subscribed again", func(s Status) bool { return s.State == StateSubscribed })

	cancel()
	if unsub, _ := pbx.read(); unsub.(*sipmsg.Request).GetHeader("Expires").Value() != "0" {
		t.Errorf("shutdown sent %s, want an unsubscribe (Expires: 0)", unsub.String())
	}
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got, want := dialogSummary(rec.snapshot()), "incoming.ring 1001>1002\nincoming.answer 1001>1002\n"; got != want {
		t.Errorf("events:\n%s\nwant:\n%s", got, want)
	}
}

// waitStatus waits up to 5 s for d's status to satisfy ok.
func waitStatus(t *testing.T, d *Dialog, what string, ok func(Status) bool) Status {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s := d.Status()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("status %+v, want %s", s, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		name   string
		n      int
		lo, hi time.Duration
	}{
		{"first", 0, time.Second, time.Second},
		{"doubles", 3, 8 * time.Second, 8 * time.Second},
		{"capped", 30, time.Minute, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 50 {
				got := backoff(tt.n, time.Second, time.Minute)
				if got > tt.hi || got < tt.lo*3/4 {
					t.Fatalf("backoff(%d) = %v, want within [%v, %v]", tt.n, got, tt.lo*3/4, tt.hi)
				}
			}
		})
	}
}
