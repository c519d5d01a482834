package sip

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
)

// logBuffer collects log lines for a test to read; slog handlers write
// from sipgo's goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Split(strings.TrimRight(l.b.String(), "\n"), "\n")
}

// TestDialogUnparsableDatagrams plays a PBX that sends garbage to the
// source's socket, 32 KB per datagram: sipgo's "failed to parse" reaches
// the source's log at debug level, cut short, once per second, not at
// error level with every datagram whole. sipgo quotes the offending line
// in its parse error, so a 32 KB first line or header line must be cut
// in the error too, not only in the datagram it logs beside it.
func TestDialogUnparsableDatagrams(t *testing.T) {
	junk := strings.Repeat("garbage ", 4<<10)
	// sipgo reads at most 32 KB of a datagram: a line must end before.
	line := junk[:16<<10]
	for _, tt := range []struct{ name, datagram string }{
		{"garbage body", "NOTIFY sip:1002@pbx SIP/2.0\r\nVia SIP/2.0/UDP no-colon\r\n\r\n" + junk},
		{"garbage first line", line + "\r\n\r\n"},
		{"garbage header line", "NOTIFY sip:1002@pbx SIP/2.0\r\nVia" + line + "\r\n\r\n"},
	} {
		t.Run(tt.name, func(t *testing.T) { unparsableDatagrams(t, []byte(tt.datagram)) })
	}
}

func unparsableDatagrams(t *testing.T, garbage []byte) {
	pbx := newFakeNotifier(t)
	var buf logBuffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	startDialog(t, pbx, NewTracker("max", nil, func(call.Event) {}), WithDialogLogger(log))

	sub, from := pbx.acceptSubscribe()
	for range 9 {
		pbx.send(garbage, from)
	}
	// sipgo reads the socket in order: once this is answered, the
	// garbage has been logged.
	if code := pbx.notify(sub, from, sub.CallID().Value(), "active", "", 1); code != 200 {
		t.Fatalf("NOTIFY after garbage answered %d, want 200", code)
	}

	parse := 0
	for _, l := range buf.lines() {
		if strings.Contains(l, "level=ERROR") || strings.Contains(l, "level=WARN") {
			t.Errorf("sipgo logged above debug: %.300s", l)
		}
		if len(l) > 2*sipgoLogMaxValue+512 {
			t.Errorf("log line of %d bytes: %.300s…", len(l), l)
		}
		if strings.Contains(l, "failed to parse") {
			parse++
		}
	}
	// The nine arrive within the second: one logged, the rest counted
	// in the next, if any.
	if parse < 1 || parse > 2 {
		t.Errorf("%d \"failed to parse\" lines for 9 datagrams, want 1 (2 at a second's turn)", parse)
	}
}

func TestSipgoHandler(t *testing.T) {
	long := strings.Repeat("é", sipgoLogMaxValue) // 2 bytes each
	tests := []struct {
		name  string
		level slog.Level // the handler's level
		log   func(*slog.Logger)
		want  []string // substrings of the output, in order; nil for none
	}{
		{
			name: "error becomes debug", level: slog.LevelDebug,
			log:  func(l *slog.Logger) { l.Error("failed to parse", "data", "x") },
			want: []string{"level=DEBUG", `msg="failed to parse"`, "data=x"},
		},
		{
			name: "nothing below the source's level", level: slog.LevelInfo,
			log: func(l *slog.Logger) { l.Error("failed to parse", "data", "x") },
		},
		{
			name: "long strings cut, groups and With too", level: slog.LevelDebug,
			log: func(l *slog.Logger) {
				l.With("caller", long).Debug("read", slog.Group("g", "data", long))
			},
			want: []string{"caller=" + long[:sipgoLogMaxValue] + "…", "g.data=" + long[:sipgoLogMaxValue] + "…"},
		},
		{
			// sipgo's parse errors quote what they could not parse.
			name: "long errors cut", level: slog.LevelDebug,
			log: func(l *slog.Logger) {
				l.Debug("failed to parse", "error", fmt.Errorf("transmission beginning '%s' is not a SIP message", long))
			},
			want: []string{"error=\"transmission beginning '" + long[:sipgoLogMaxValue-len("transmission beginning '")] + "…\""},
		},
		{
			name: "errors at most once a second", level: slog.LevelDebug,
			log: func(l *slog.Logger) {
				for range 5 {
					l.Error("failed to parse")
				}
				l.Debug("debug records pass")
			},
			want: []string{`msg="failed to parse"`, `msg="debug records pass"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf logBuffer
			tt.log(sipgoLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: tt.level}))))
			out := strings.Join(buf.lines(), "\n")
			if tt.want == nil {
				if out != "" {
					t.Fatalf("logged %q, want nothing", out)
				}
				return
			}
			rest := out
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("log lacks %q (in order):\n%s", w, out)
				}
				rest = rest[i+len(w):]
			}
			if n := strings.Count(out, "failed to parse"); n > 1 {
				t.Errorf("%d \"failed to parse\" lines, want 1:\n%s", n, out)
			}
		})
	}
}

func TestLogLimit(t *testing.T) {
	l := &logLimit{every: time.Second}
	t0 := time.Unix(1000, 0)
	steps := []struct {
		at      time.Duration
		ok      bool
		dropped int
	}{
		{0, true, 0},
		{100 * time.Millisecond, false, 0},
		{900 * time.Millisecond, false, 0},
		{time.Second, true, 2},
		{3 * time.Second, true, 0},
	}
	for i, s := range steps {
		ok, n := l.allow(t0.Add(s.at))
		if ok != s.ok || n != s.dropped {
			t.Errorf("step %d at %v: allow = %v, %d; want %v, %d", i, s.at, ok, n, s.ok, s.dropped)
		}
	}
}
