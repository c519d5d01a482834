package sip

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"testing"

	sipmsg "github.com/emiago/sipgo/sip"
)

// The dialog source under a broken or hostile PBX (issue #10).

// startDialog runs a source watching 1002 at pbx until the test ends.
func startDialog(t *testing.T, pbx *fakeNotifier, tr *Tracker, opts ...DialogOption) *Dialog {
	t.Helper()
	d, err := NewDialog(DialogConfig{Server: pbx.conn.LocalAddr().String(), Domain: "pbx", Watch: []string{"1002"}},
		tr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return d
}

// TestDialogNotifyContentType checks that only a dialog-info body is
// applied, and that a NOTIFY with another type is still accepted: it
// belongs to the subscription, which a refusal would end.
func TestDialogNotifyContentType(t *testing.T) {
	pbx := newFakeNotifier(t)
	var rec recorder
	startDialog(t, pbx, NewTracker("max", nil, rec.handle), WithDialogLogger(testLogger(t)))
	sub, from := pbx.acceptSubscribe()
	tests := []struct {
		ctype   string
		applied bool
	}{
		{DialogInfoType, true},
		{"Application/Dialog-Info+XML; charset=UTF-8", true},
		{"application/pidf+xml", false},
		{"text/plain", false},
		{"application/dialog-info+xml-ish", false},
	}
	var want strings.Builder
	var dialogs []string
	for i, tt := range tests {
		// Full documents, each adding a call: every one applied rings.
		callID := fmt.Sprintf("c%d", i)
		dialogs = append(dialogs, dlg("d"+callID, callID, "recipient", "early", ""))
		body := dialogDoc(uint64(i), "full", dialogs...)
		if code := pbx.notifyType(sub, from, sub.CallID().Value(), "active", tt.ctype, body, i+1); code != 200 {
			t.Errorf("NOTIFY with %s answered %d, want 200", tt.ctype, code)
		}
		if tt.applied {
			want.WriteString("incoming.ring 1001>1002\n")
		}
	}
	if got := dialogSummary(rec.snapshot()); got != want.String() {
		t.Errorf("events:\n%s\nwant:\n%s", got, want.String())
	}
}

// TestDialogVersionBack plays a PBX whose version counter was at the
// 64-bit maximum and starts again: its partial document with a lower
// version makes the source refresh in the same dialog, and the full
// state that answers the refresh is applied, as a restart.
func TestDialogVersionBack(t *testing.T) {
	pbx := newFakeNotifier(t)
	var rec recorder
	var buf logBuffer
	startDialog(t, pbx, NewTracker("max", nil, rec.handle), WithDialogLogger(slog.New(slog.NewTextHandler(&buf, nil))))

	sub, from := pbx.acceptSubscribe()
	callID := sub.CallID().Value()
	in := func(id, state string) string { return dlg("d"+id, id, "recipient", state, "") }
	if code := pbx.notify(sub, from, callID, "active", dialogDoc(math.MaxUint64, "full", in("c1", "early")), 1); code != 200 {
		t.Fatalf("NOTIFY answered %d", code)
	}
	if code := pbx.notify(sub, from, callID, "active", dialogDoc(3, "partial", in("c1", "confirmed")), 2); code != 200 {
		t.Fatalf("NOTIFY answered %d", code)
	}
	msg, _ := pbx.read()
	refresh, ok := msg.(*sipmsg.Request)
	if !ok || refresh.Method != sipmsg.SUBSCRIBE || refresh.CallID().Value() != callID {
		t.Fatalf("got %s, want a refresh SUBSCRIBE in the dialog", msg.String())
	}
	res := pbx.answer(refresh, 200, "OK")
	res.AppendHeader(sipmsg.NewHeader("Expires", "60"))
	pbx.send([]byte(res.String()), from)
	if code := pbx.notify(sub, from, callID, "active", dialogDoc(4, "full", in("c1", "confirmed"), in("c2", "early")), 3); code != 200 {
		t.Fatalf("NOTIFY answered %d", code)
	}
	want := "incoming.ring 1001>1002\nincoming.answer 1001>1002\nincoming.ring 1001>1002\n"
	if got := dialogSummary(rec.settle(t, 3)); got != want {
		t.Errorf("events:\n%s\nwant:\n%s", got, want)
	}
	if n := strings.Count(strings.Join(buf.lines(), "\n"), "taken as a PBX restart"); n != 1 {
		t.Errorf("%d restart lines at info level, want 1:\n%s", n, strings.Join(buf.lines(), "\n"))
	}
}

// TestDialogCapsWarnOnce plays a PBX that lists more dialogs than any
// agent has: the calls stop at the cap, and the log says so once per
// subscription, naming the extension and the cap.
func TestDialogCapsWarnOnce(t *testing.T) {
	pbx := newFakeNotifier(t)
	var rec recorder
	var buf logBuffer
	startDialog(t, pbx, NewTracker("max", nil, rec.handle), WithDialogLogger(slog.New(slog.NewTextHandler(&buf, nil))))

	sub, from := pbx.acceptSubscribe()
	for v := range 3 {
		body := dialogDoc(uint64(v), "full", ringing("c", 100)...)
		if code := pbx.notify(sub, from, sub.CallID().Value(), "active", body, v+1); code != 200 {
			t.Fatalf("NOTIFY answered %d", code)
		}
	}
	if got := len(rec.snapshot()); got != maxExtCalls {
		t.Errorf("%d events, want %d rings", got, maxExtCalls)
	}
	var warns []string
	for _, l := range buf.lines() {
		if strings.Contains(l, "level=WARN") {
			warns = append(warns, l)
		}
	}
	wantWarns := []string{
		fmt.Sprintf("ext=1002 version=0 dialogs=100 cap=%d", maxDocDialogs),
		fmt.Sprintf("ext=1002 version=0 cap=%d", maxExtCalls),
	}
	if len(warns) != len(wantWarns) {
		t.Fatalf("warnings:\n%s\nwant %d", strings.Join(warns, "\n"), len(wantWarns))
	}
	for i, w := range wantWarns {
		if !strings.Contains(warns[i], w) {
			t.Errorf("warning %q lacks %q", warns[i], w)
		}
	}
}
