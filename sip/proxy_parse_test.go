package sip

import (
	"slices"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
	sipmsg "github.com/emiago/sipgo/sip"
)

func TestAddressUsers(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"diversion", `<sip:200@pbx.test>;reason=unconditional`, []string{"200"}},
		{"two entries", `<sip:200@a>;reason=no-answer, "Q, Support" <sip:201@b>;counter=1`, []string{"200", "201"}},
		{"history-info", `<sip:1001@pbx.test?Reason=SIP%3Bcause%3D302>;index=1, <sip:200@pbx.test>;index=1.1`, []string{"1001", "200"}},
		{"tel uri", `<tel:+4930123;phone-context=x>`, []string{"+4930123"}},
		{"quoted comma and bracket", `"a,<b>" <sip:7@x>`, []string{"7"}},
		{"garbage", `<<<,,;;"`, nil},
		{"empty", ``, nil},
		{"no user", `<sip:pbx.test>`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := addressUsers(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("addressUsers(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzAddressUsers(f *testing.F) {
	for _, s := range []string{`<sip:200@pbx.test>;reason=unconditional`, `"a,\"b" <sip:1@x>, <tel:+1>`, `<<`, `"`, `\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		users := addressUsers(v)
		parts := splitList(v)
		if len(users) > len(parts) {
			t.Errorf("%d users from %d list entries", len(users), len(parts))
		}
		for _, u := range users {
			if u == "" {
				t.Error("empty user returned")
			}
		}
		reasonCause(v)
	})
}

func TestReasonCause(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`SIP;cause=200;text="Call completed elsewhere"`, "200"},
		{`Q.850;cause=16, SIP ;cause=487`, "487"},
		{`Q.850;cause=16`, ""},
		{`SIP`, ""},
	} {
		if got := reasonCause(tc.in); got != tc.want {
			t.Errorf("reasonCause(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestOutcomes(t *testing.T) {
	for _, tc := range []struct {
		dir  call.Direction
		code int
		want call.Outcome
	}{
		{call.In, 486, call.Busy}, {call.In, 600, call.Busy}, {call.In, 603, call.Rejected},
		{call.In, 487, call.Missed}, {call.Out, 487, call.Cancelled},
		{call.In, 408, call.Missed}, {call.In, 480, call.Missed},
		{call.In, 404, call.Failed}, {call.Out, 503, call.Failed},
	} {
		if got := finalOutcome(tc.dir, tc.code); got != tc.want {
			t.Errorf("finalOutcome(%s, %d) = %s, want %s", tc.dir, tc.code, got, tc.want)
		}
	}
	cancel := func(reason string) *sipmsg.Request {
		r := sipmsg.NewRequest(sipmsg.CANCEL, sipmsg.Uri{Host: "x"})
		if reason != "" {
			r.AppendHeader(sipmsg.NewHeader("Reason", reason))
		}
		return r
	}
	for _, tc := range []struct {
		name   string
		dir    call.Direction
		reason string
		want   call.Outcome
	}{
		{"caller gave up", call.In, "", call.Missed},
		{"agent hung up", call.Out, "", call.Cancelled},
		{"cause 200", call.In, `SIP;cause=200;text="Call completed elsewhere"`, call.AnsweredElsewhere},
		{"text only", call.In, `SIP;text="Call Completed Elsewhere"`, call.AnsweredElsewhere},
		{"other cause", call.In, `SIP;cause=487`, call.Missed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := cancelOutcome(tc.dir, cancel(tc.reason)); got != tc.want {
				t.Errorf("cancelOutcome = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestRegistryExpiry(t *testing.T) {
	now := time.Unix(1000, 0)
	r := newRegistry()
	r.now = func() time.Time { return now }
	req := sipmsg.NewRequest(sipmsg.REGISTER, sipmsg.Uri{Host: "pbx"})
	to := &sipmsg.ToHeader{Address: sipmsg.Uri{User: "1001", Host: "pbx"}}
	req.AppendHeader(to)
	cid := sipmsg.CallIDHeader("reg-1")
	req.AppendHeader(&cid)
	req.AppendHeader(&sipmsg.ContactHeader{Address: sipmsg.Uri{User: "1001", Host: "127.0.0.1", Port: 6000}})
	var token string
	r.rewriteRegister(req, flowOf("udp", "127.0.0.1:6000"), func(user, tok string) sipmsg.Uri {
		token = tok
		return sipmsg.Uri{User: user, Host: "127.0.0.1", Port: 5070, UriParams: sipmsg.HeaderParams{{K: tokenParam, V: tok}}}
	})
	if n := r.count(now); n != 0 {
		t.Fatalf("count before 2xx %d, want 0 (pending)", n)
	}
	res := sipmsg.NewResponse(200, "OK")
	res.AppendHeader(to)
	res.AppendHeader(&sipmsg.ContactHeader{
		Address: sipmsg.Uri{User: "1001", Host: "127.0.0.1", Port: 5070, UriParams: sipmsg.HeaderParams{{K: tokenParam, V: token}}},
		Params:  sipmsg.HeaderParams{{K: "expires", V: "60"}},
	})
	r.confirm(res)
	if n := r.count(now); n != 1 {
		t.Fatalf("count after 2xx %d, want 1", n)
	}
	if got := res.Contact().Address.Port; got != 6000 {
		t.Errorf("contact in 2xx port %d, want the phone's own 6000", got)
	}
	if r.expire(now.Add(59 * time.Second)) {
		t.Error("binding expired before its 60 s")
	}
	if !r.expire(now.Add(61*time.Second)) || r.count(now.Add(61*time.Second)) != 0 {
		t.Error("binding still counted after its expiry")
	}
}

// A re-REGISTER of ours between a softphone's REGISTER going up and its
// answer coming back moves the CSeq bump on: the answer still reaches the
// softphone with the CSeq it sent (CI once saw CSeq 1 for a REGISTER 2).
func TestRegistryUnbumpsWithTheBumpItWentUpWith(t *testing.T) {
	r := newRegistry()
	r.regs["reg-1"] = &storedReg{CSeq: 2, Bump: 1}
	req := sipmsg.NewRequest(sipmsg.REGISTER, sipmsg.Uri{Host: "pbx"})
	cid := sipmsg.CallIDHeader("reg-1")
	req.AppendHeader(&cid)
	req.AppendHeader(&sipmsg.CSeqHeader{SeqNo: 2, MethodName: sipmsg.REGISTER})
	r.bumpCSeq(req)
	if got := req.CSeq().SeqNo; got != 3 {
		t.Fatalf("upstream CSeq %d, want 2 + bump 1", got)
	}
	r.regs["reg-1"].Bump = 2 // a re-REGISTER went up meanwhile
	res := sipmsg.NewResponse(200, "OK")
	res.AppendHeader(&cid)
	res.AppendHeader(&sipmsg.CSeqHeader{SeqNo: 3, MethodName: sipmsg.REGISTER})
	r.unbumpCSeq(res)
	if got := res.CSeq().SeqNo; got != 2 {
		t.Errorf("CSeq at the softphone %d, want its own 2", got)
	}
}
