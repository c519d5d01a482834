package sip

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
)

// TestDialectOfGoldens tells the dialect of every sample document; a new
// sample must be classified here.
func TestDialectOfGoldens(t *testing.T) {
	want := map[string]string{
		"empty":                              "",
		"kamailio_incoming_confirmed":        "rfc4235",
		"kamailio_incoming_early":            "rfc4235",
		"kamailio_incoming_terminated":       "rfc4235",
		"kamailio_outgoing_confirmed":        "rfc4235",
		"kamailio_outgoing_terminated":       "rfc4235",
		"kamailio_outgoing_trying_lingering": "rfc4235",
		"no_namespace_events":                "freeswitch,rfc4235", // dialog "a": id and direction, no call-id
		"prefixed_namespace":                 "rfc4235",
		"rfc4235_partial":                    "rfc4235",
		"asterisk_pjsip_idle":                "asterisk",
		"asterisk_pjsip_early":               "asterisk",
		"asterisk_pjsip_confirmed":           "asterisk",
		"asterisk_pjsip_onhold":              "asterisk",
		"asterisk_pjsip_early_callerid":      "asterisk-cid",
		"asterisk_pjsip_early_nochannel":     "asterisk",
		"asterisk_chansip_notifycid_early":   "asterisk-cid",
		"asterisk_chansip_confirmed":         "asterisk",
		"asterisk_chansip_onhold":            "asterisk",
		"asterisk_chansip_idle":              "asterisk",
		"freeswitch_incoming_early":          "freeswitch",
		"freeswitch_incoming_confirmed":      "freeswitch",
		"freeswitch_incoming_held":           "freeswitch",
		"freeswitch_terminated":              "freeswitch",
		"freeswitch_outgoing_confirmed":      "freeswitch",
		"freeswitch_probe":                   "rfc4235",
		"unknown_no_ids":                     "unknown",
	}
	files, _ := filepath.Glob("testdata/dialoginfo/*.xml")
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".xml")
		t.Run(name, func(t *testing.T) {
			exp, ok := want[name]
			if !ok {
				t.Fatalf("sample %s has no expected dialect in this test", name)
			}
			info, err := ParseDialogInfo([]byte(dialogSample(t, name)))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range documentDialects(info.Entity, info) {
				got = append(got, string(d))
			}
			if strings.Join(got, ",") != exp {
				t.Errorf("dialects %v, want %q", got, exp)
			}
		})
	}
}

func TestDialectOf(t *testing.T) {
	tests := []struct {
		name string
		e    DialogElem
		want Dialect
	}{
		{"extension id", DialogElem{ID: "1002", State: DialogEarly}, DialectExtState},
		{"extension id in another case", DialogElem{ID: "Agent", State: DialogEarly}, DialectExtState},
		{"extension id naming the caller", DialogElem{ID: "1002", State: DialogEarly, Remote: call.Party{Number: "0301"}}, DialectExtStateCID},
		{"chan_sip pickup call-id", DialogElem{ID: "1002", CallID: "pickup-abc", State: DialogEarly}, DialectExtStateCID},
		{"extension id with a real call-id", DialogElem{ID: "1002", CallID: "abc@host", State: DialogEarly}, DialectRFC4235},
		{"call-id", DialogElem{ID: "x", CallID: "abc@host", State: DialogConfirmed}, DialectRFC4235},
		{"call-id only", DialogElem{CallID: "abc@host", State: DialogConfirmed}, DialectRFC4235},
		{"uuid and direction", DialogElem{ID: "4b0d", Direction: DirRecipient, State: DialogEarly}, DialectFreeSWITCH},
		{"id only, not the extension", DialogElem{ID: "4b0d", State: DialogEarly}, DialectUnknown},
		{"no ids", DialogElem{Direction: DirRecipient, State: DialogEarly}, DialectUnknown},
		{"no state", DialogElem{ID: "1002"}, DialectUnknown},
		{"undefined state", DialogElem{ID: "1002", State: "ringing"}, DialectUnknown},
	}
	ext := map[string]string{"extension id in another case": "agent"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := "1002"
			if v, ok := ext[tt.name]; ok {
				x = v
			}
			if got := dialectOf(x, tt.e); got != tt.want {
				t.Errorf("dialectOf = %q, want %q", got, tt.want)
			}
		})
	}
}

var docVersion = regexp.MustCompile(`(<dialog-info[^>]*\sversion=")\d+(")`)

// sampleSeq loads samples as the consecutive NOTIFYs of one subscription
// (versions 1, 2, ...). "name/old=new" replaces old by new in the sample:
// another channel UUID, say.
func sampleSeq(t *testing.T, names ...string) []string {
	t.Helper()
	var out []string
	for i, n := range names {
		name, repl, _ := strings.Cut(n, "/")
		doc := dialogSample(t, name)
		if old, nu, ok := strings.Cut(repl, "="); ok {
			doc = strings.ReplaceAll(doc, old, nu)
		}
		out = append(out, docVersion.ReplaceAllString(doc, fmt.Sprintf("${1}%d${2}", i+1)))
	}
	return out
}

const (
	fsIn    = "4b0d3c1e-9a51-4d5f-8a3e-2f7f0b7c9d11"
	fsOut   = "9e2c5a70-1f3b-4c8e-b1d2-6a4f8e0c3b22"
	entityA = "sip:1002@pbx.example.com"
)

// TestDialectMapping plays NOTIFY sequences of each dialect, built from
// the golden documents, through the mapper.
func TestDialectMapping(t *testing.T) {
	tests := []struct {
		name  string
		docs  []string
		want  string
		calls int // distinct call ids
	}{
		{
			name: "asterisk answered",
			docs: sampleSeq(t, "asterisk_pjsip_idle", "asterisk_pjsip_early", "asterisk_pjsip_confirmed", "asterisk_pjsip_idle"),
			want: "incoming.ring >1002\nincoming.answer >1002\nincoming.hangup >1002 answered\n", calls: 1,
		},
		{
			name: "asterisk missed",
			docs: sampleSeq(t, "asterisk_pjsip_idle", "asterisk_pjsip_early", "asterisk_pjsip_idle"),
			want: "incoming.ring >1002\nincoming.hangup >1002 missed\nincoming.missed >1002 missed\n", calls: 1,
		},
		{
			name: "asterisk answered with hold fires nothing new",
			docs: sampleSeq(t, "asterisk_pjsip_idle", "asterisk_pjsip_early", "asterisk_pjsip_confirmed", "asterisk_pjsip_onhold", "asterisk_pjsip_confirmed", "asterisk_pjsip_idle"),
			want: "incoming.ring >1002\nincoming.answer >1002\nincoming.hangup >1002 answered\n", calls: 1,
		},
		{
			name: "asterisk outgoing: in use without a ring, no outcome",
			docs: sampleSeq(t, "asterisk_pjsip_idle", "asterisk_pjsip_confirmed", "asterisk_pjsip_onhold", "asterisk_pjsip_confirmed", "asterisk_pjsip_idle"),
			want: "outgoing.start 1002>\noutgoing.hangup 1002>\n", calls: 1,
		},
		{
			name: "asterisk three calls, three ids",
			docs: sampleSeq(t, "asterisk_pjsip_idle",
				"asterisk_pjsip_early", "asterisk_pjsip_confirmed", "asterisk_pjsip_idle",
				"asterisk_pjsip_early", "asterisk_pjsip_idle",
				"asterisk_pjsip_confirmed", "asterisk_pjsip_idle"),
			want: "incoming.ring >1002\nincoming.answer >1002\nincoming.hangup >1002 answered\n" +
				"incoming.ring >1002\nincoming.hangup >1002 missed\nincoming.missed >1002 missed\n" +
				"outgoing.start 1002>\noutgoing.hangup 1002>\n",
			calls: 3,
		},
		{
			name: "asterisk in use when we start is not a call",
			docs: sampleSeq(t, "asterisk_pjsip_confirmed", "asterisk_pjsip_onhold", "asterisk_pjsip_idle", "asterisk_pjsip_early", "asterisk_pjsip_idle"),
			want: "incoming.ring >1002\nincoming.hangup >1002 missed\nincoming.missed >1002 missed\n", calls: 1,
		},
		{
			name: "asterisk ringing when we start rings",
			docs: sampleSeq(t, "asterisk_pjsip_early", "asterisk_pjsip_confirmed", "asterisk_pjsip_idle"),
			want: "incoming.ring >1002\nincoming.answer >1002\nincoming.hangup >1002 answered\n", calls: 1,
		},
		{
			name: "asterisk call waiting keeps the first call",
			docs: sampleSeq(t, "asterisk_pjsip_idle", "asterisk_pjsip_early", "asterisk_pjsip_confirmed", "asterisk_pjsip_early", "asterisk_pjsip_confirmed", "asterisk_pjsip_idle"),
			want: "incoming.ring >1002\nincoming.answer >1002\nincoming.hangup >1002 answered\n", calls: 1,
		},
		{
			name: "asterisk repeated states are no new calls",
			docs: sampleSeq(t, "asterisk_pjsip_idle", "asterisk_pjsip_idle", "asterisk_pjsip_early", "asterisk_pjsip_early", "asterisk_pjsip_confirmed", "asterisk_pjsip_confirmed", "asterisk_pjsip_idle", "asterisk_pjsip_idle"),
			want: "incoming.ring >1002\nincoming.answer >1002\nincoming.hangup >1002 answered\n", calls: 1,
		},
		{
			name: "asterisk PJSIP naming the caller while ringing",
			docs: sampleSeq(t, "asterisk_pjsip_idle", "asterisk_pjsip_early_callerid", "asterisk_pjsip_confirmed", "asterisk_pjsip_idle"),
			want: "incoming.ring 03012345678>1002\nincoming.answer 03012345678>1002\nincoming.hangup 03012345678>1002 answered\n", calls: 1,
		},
		{
			name: "asterisk PJSIP 18.20+ ringing without a ringing channel: the local identity is not the caller",
			docs: sampleSeq(t, "asterisk_pjsip_idle", "asterisk_pjsip_early_nochannel", "asterisk_pjsip_confirmed", "asterisk_pjsip_idle"),
			want: "incoming.ring >1002\nincoming.answer >1002\nincoming.hangup >1002 answered\n", calls: 1,
		},
		{
			name: "asterisk PJSIP caller without a valid number",
			docs: sampleSeq(t, "asterisk_pjsip_idle", "asterisk_pjsip_early_callerid/03012345678@=invalid@", "asterisk_pjsip_idle"),
			want: "incoming.ring >1002\nincoming.hangup >1002 missed\nincoming.missed >1002 missed\n", calls: 1,
		},
		{
			name: "chan_sip notifycid answered with hold",
			docs: sampleSeq(t, "asterisk_chansip_idle", "asterisk_chansip_notifycid_early", "asterisk_chansip_confirmed", "asterisk_chansip_onhold", "asterisk_chansip_confirmed", "asterisk_chansip_idle"),
			want: "incoming.ring 03012345678>1002\nincoming.answer 03012345678>1002\nincoming.hangup 03012345678>1002 answered\n", calls: 1,
		},
		{
			name: "chan_sip notifycid: the pickup call-id is the same for every call",
			docs: sampleSeq(t, "asterisk_chansip_idle", "asterisk_chansip_notifycid_early", "asterisk_chansip_idle", "asterisk_chansip_notifycid_early", "asterisk_chansip_idle"),
			want: "incoming.ring 03012345678>1002\nincoming.hangup 03012345678>1002 missed\nincoming.missed 03012345678>1002 missed\n" +
				"incoming.ring 03012345678>1002\nincoming.hangup 03012345678>1002 missed\nincoming.missed 03012345678>1002 missed\n",
			calls: 2,
		},
		{
			name: "freeswitch answered with hold",
			docs: sampleSeq(t, "freeswitch_incoming_early", "freeswitch_incoming_confirmed", "freeswitch_incoming_held", "freeswitch_incoming_confirmed", "freeswitch_terminated"),
			want: "incoming.ring 03012345678>1002\nincoming.answer 03012345678>1002\nincoming.hangup 03012345678>1002 answered\n", calls: 1,
		},
		{
			name: "freeswitch missed",
			docs: sampleSeq(t, "freeswitch_incoming_early", "freeswitch_terminated"),
			want: "incoming.ring 03012345678>1002\nincoming.hangup 03012345678>1002 missed\nincoming.missed 03012345678>1002 missed\n", calls: 1,
		},
		{
			name: "freeswitch outgoing: confirmed while ringing, no answer, no outcome",
			docs: sampleSeq(t, "freeswitch_outgoing_confirmed", "freeswitch_outgoing_confirmed", "freeswitch_terminated/"+fsIn+"="+fsOut),
			want: "outgoing.start 1002>004989123456\noutgoing.hangup 1002>004989123456\n", calls: 1,
		},
		{
			name: "freeswitch one-channel full documents do not end the other call",
			docs: sampleSeq(t, "freeswitch_incoming_early", "freeswitch_outgoing_confirmed", "freeswitch_incoming_confirmed",
				"freeswitch_terminated/"+fsIn+"="+fsOut, "freeswitch_terminated"),
			want: "incoming.ring 03012345678>1002\noutgoing.start 1002>004989123456\nincoming.answer 03012345678>1002\n" +
				"outgoing.hangup 1002>004989123456\nincoming.hangup 03012345678>1002 answered\n",
			calls: 2,
		},
		{
			name: "mixed: an extension-state document does not end an RFC 4235 call",
			docs: sampleSeq(t, "kamailio_incoming_early", "asterisk_pjsip_idle", "kamailio_incoming_confirmed", "kamailio_incoming_terminated",
				"asterisk_pjsip_early", "asterisk_pjsip_idle"),
			want: "incoming.ring 1001>1002\nincoming.answer 1001>1002\nincoming.hangup 1001>1002 answered\n" +
				"incoming.ring >1002\nincoming.hangup >1002 missed\nincoming.missed >1002 missed\n",
			calls: 2,
		},
		{
			name: "unknown shapes fire nothing",
			docs: sampleSeq(t, "unknown_no_ids", "unknown_no_ids", "empty"),
			want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec recorder
			now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			clock := func() time.Time { now = now.Add(time.Second); return now }
			tr := NewTracker("max", nil, rec.handle, WithClock(clock))
			m := newDialogMapper(tr, clock)
			for i, d := range tt.docs {
				info, err := ParseDialogInfo([]byte(d))
				if err != nil {
					t.Fatalf("doc %d: %v", i, err)
				}
				if r := m.apply(entityA, info); r.result != applied {
					t.Fatalf("doc %d: %+v", i, r)
				}
			}
			evs := rec.snapshot()
			if got := dialogSummary(evs); got != tt.want {
				t.Errorf("events:\n%s\nwant:\n%s", got, tt.want)
			}
			var ids []string
			for _, ev := range evs {
				ids = append(ids, ev.Call.ID)
				if strings.HasSuffix(string(ev.Trigger), ".hangup") && ev.Call.Direction == call.Out && !ev.Call.Answer.IsZero() {
					t.Errorf("%s: answer time %v, but nothing said when it was answered", ev.Trigger, ev.Call.Answer)
				}
			}
			slices.Sort(ids)
			if n := len(slices.Compact(ids)); n != tt.calls {
				t.Errorf("%d call ids, want %d", n, tt.calls)
			}
		})
	}
}

// TestDialectMappingResubscribe: a new subscription in the middle of a
// call carries the line on; it is no new call.
func TestDialectMappingResubscribe(t *testing.T) {
	var rec recorder
	tr := NewTracker("max", nil, rec.handle)
	m := newDialogMapper(tr, nil)
	apply := func(docs ...string) {
		for _, d := range docs {
			info, err := ParseDialogInfo([]byte(d))
			if err != nil {
				t.Fatal(err)
			}
			m.apply(entityA, info)
		}
	}
	apply(sampleSeq(t, "asterisk_pjsip_idle", "asterisk_pjsip_early", "asterisk_pjsip_confirmed")...)
	m.reset(entityA)
	apply(sampleSeq(t, "asterisk_pjsip_confirmed", "asterisk_pjsip_idle")...)
	if got, want := dialogSummary(rec.snapshot()), "incoming.ring >1002\nincoming.answer >1002\nincoming.hangup >1002 answered\n"; got != want {
		t.Errorf("events:\n%s\nwant:\n%s", got, want)
	}
}

func TestDialectSet(t *testing.T) {
	tests := []struct {
		seen []Dialect
		want string
	}{
		{nil, ""},
		{[]Dialect{DialectExtState}, "asterisk"},
		{[]Dialect{DialectExtState, DialectExtStateCID}, "asterisk-cid"},
		{[]Dialect{DialectRFC4235, DialectExtState, DialectUnknown}, "asterisk,rfc4235,unknown"},
	}
	for _, tt := range tests {
		seen := map[Dialect]bool{}
		for _, d := range tt.seen {
			seen[d] = true
		}
		got := dialectSet(seen)
		if got != tt.want {
			t.Errorf("dialectSet(%v) = %q, want %q", tt.seen, got, tt.want)
		}
		if back := ParseDialects(got); len(back) != len(strings.Split(tt.want, ",")) && tt.want != "" {
			t.Errorf("ParseDialects(%q) = %v", got, back)
		}
		for _, d := range ParseDialects(got) {
			if DialectNote(d) == "" {
				t.Errorf("no note for %q", d)
			}
		}
	}
}

// FuzzDialectMapping feeds any document, between documents of each
// dialect, to the mapper: it never panics and never fires a trigger twice
// for one call.
func FuzzDialectMapping(f *testing.F) {
	files, _ := filepath.Glob("testdata/dialoginfo/*.xml")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzed, err := ParseDialogInfo(body)
		if err != nil {
			return
		}
		var rec recorder
		tr := NewTracker("max", nil, rec.handle)
		m := newDialogMapper(tr, nil)
		docs := sampleSeq(t, "asterisk_pjsip_idle", "asterisk_pjsip_early", "freeswitch_incoming_early", "kamailio_incoming_early",
			"asterisk_pjsip_confirmed", "asterisk_pjsip_idle", "freeswitch_outgoing_confirmed")
		for i, d := range docs {
			info, err := ParseDialogInfo([]byte(d))
			if err != nil {
				t.Fatal(err)
			}
			info.Version = uint64(3*i + 1)
			m.apply(entityA, info)
			fuzzed.Version = info.Version + 1
			m.apply(entityA, fuzzed)
			fuzzed.Version++
			m.apply(entityA, fuzzed)
		}
		seen := map[string]bool{}
		for _, ev := range rec.snapshot() {
			k := ev.Call.ID + " " + string(ev.Trigger)
			if seen[k] {
				t.Fatalf("%s fired twice", k)
			}
			seen[k] = true
		}
	})
}

// TestDialogNotesDialects: the status names the dialects a PBX sent, and
// the first unknown document is logged whole at debug level, once.
func TestDialogNotesDialects(t *testing.T) {
	var logs strings.Builder
	var mu sync.Mutex
	var statuses []Status
	d, err := NewDialog(DialogConfig{Server: "127.0.0.1:5060", Watch: []string{"1002"}}, NewTracker("max", nil, func(call.Event) {}),
		WithDialogLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		WithDialogStatus(func(s Status) { mu.Lock(); statuses = append(statuses, s); mu.Unlock() }))
	if err != nil {
		t.Fatal(err)
	}
	sub := d.newSubscription("1002", nil)
	for _, name := range []string{"asterisk_pjsip_idle", "unknown_no_ids", "asterisk_chansip_notifycid_early", "unknown_no_ids", "kamailio_incoming_early"} {
		body := []byte(dialogSample(t, name))
		info, err := ParseDialogInfo(body)
		if err != nil {
			t.Fatal(err)
		}
		d.noteDialects(sub, info, body)
	}
	if got, want := d.Status().Dialect, "asterisk-cid,rfc4235,unknown"; got != want {
		t.Errorf("status dialect %q, want %q", got, want)
	}
	if n := strings.Count(logs.String(), "msg=\"dialog-info of an unknown shape ignored\""); n != 1 || !strings.Contains(logs.String(), "ringing") {
		t.Errorf("%d debug lines for unknown documents, want 1 with the document:\n%s", n, logs.String())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(statuses) < 3 {
		t.Errorf("%d status changes, want one per new dialect", len(statuses))
	}
}
