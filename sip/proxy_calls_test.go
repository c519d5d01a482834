package sip

import (
	"fmt"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
	sipmsg "github.com/emiago/sipgo/sip"
)

func parseReq(t *testing.T, s string) *sipmsg.Request {
	t.Helper()
	m, err := sipmsg.ParseMessage([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return m.(*sipmsg.Request)
}

func parseRes(t *testing.T, s string) *sipmsg.Response {
	t.Helper()
	m, err := sipmsg.ParseMessage([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return m.(*sipmsg.Response)
}

func invReq(t *testing.T, cseq int, toTag string) *sipmsg.Request {
	return parseReq(t, fmt.Sprintf("INVITE sip:2001@pbx SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:6000;branch=z9hG4bK-%d\r\n"+
		"From: <sip:1001@pbx>;tag=a\r\nTo: <sip:2001@pbx>%s\r\nCall-ID: c\r\nCSeq: %d INVITE\r\nContent-Length: 0\r\n\r\n", cseq, toTag, cseq))
}

func invRes(t *testing.T, code, cseq int, fromTag string) *sipmsg.Response {
	return parseRes(t, fmt.Sprintf("SIP/2.0 %d X\r\nVia: SIP/2.0/UDP 127.0.0.1:6000;branch=z9hG4bK-%d\r\n"+
		"From: <sip:1001@pbx>;tag=%s\r\nTo: <sip:2001@pbx>;tag=b\r\nCall-ID: c\r\nCSeq: %d INVITE\r\nContent-Length: 0\r\n\r\n", code, cseq, fromTag, cseq))
}

// What the observer makes of message sequences the proxy relays; time
// advances by a second per message, and deadlines are checked after.
func TestCallObserver(t *testing.T) {
	type msg = func(t *testing.T, o *callObserver)
	req := func(r func(*testing.T) *sipmsg.Request) msg {
		return func(t *testing.T, o *callObserver) { o.request(r(t), call.Out, flow{}) }
	}
	res := func(code, cseq int, fromTag string) msg {
		return func(t *testing.T, o *callObserver) { o.response(invRes(t, code, cseq, fromTag)) }
	}
	inv := func(cseq int) msg { return req(func(t *testing.T) *sipmsg.Request { return invReq(t, cseq, "") }) }
	reinv := func(cseq int) msg {
		return req(func(t *testing.T) *sipmsg.Request { return invReq(t, cseq, ";tag=b") })
	}
	for _, tc := range []struct {
		name  string
		msgs  []msg
		after time.Duration // extra time before the final deadline check
		want  string
	}{
		{"answered", []msg{inv(1), res(180, 1, "a"), res(200, 1, "a")}, 0,
			"[outgoing.start() outgoing.answer()]"},
		{"challenge then answer", []msg{inv(1), res(407, 1, "a"), inv(2), res(200, 2, "a")}, 0,
			"[outgoing.start() outgoing.answer()]"},
		{"challenge never answered", []msg{inv(1), res(407, 1, "a")}, time.Minute,
			"[outgoing.start() outgoing.hangup(failed)]"},
		{"re-INVITE failure does not end", []msg{inv(1), res(200, 1, "a"), reinv(2), res(491, 2, "a")}, 0,
			"[outgoing.start() outgoing.answer()]"},
		{"other side's re-INVITE with same CSeq", []msg{inv(1), res(603, 1, "b")}, 0,
			"[outgoing.start()]"},
		{"busy", []msg{inv(1), res(486, 1, "a")}, 0,
			"[outgoing.start() outgoing.hangup(busy)]"},
		{"fork fails after answer", []msg{inv(1), res(200, 1, "a"), res(486, 1, "a")}, 0,
			"[outgoing.start() outgoing.answer()]"},
		{"ring timeout", []msg{inv(1), res(180, 1, "a")}, 10 * time.Minute,
			"[outgoing.start() outgoing.hangup(missed)]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Unix(1_700_000_000, 0)
			var got []string
			tr := NewTracker("", nil, func(ev call.Event) { got = append(got, fmt.Sprintf("%s(%s)", ev.Trigger, ev.Call.Outcome)) },
				WithClock(func() time.Time { return now }))
			o := newCallObserver(tr, 3*time.Minute)
			o.now = func() time.Time { return now }
			for _, m := range tc.msgs {
				m(t, o)
				now = now.Add(time.Second)
				o.expire(now)
			}
			now = now.Add(tc.after)
			o.expire(now)
			if fmt.Sprint(got) != tc.want {
				t.Errorf("events %v, want %s", got, tc.want)
			}
		})
	}
}
