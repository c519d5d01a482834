package sip

import (
	"context"
	"log/slog"
	"sync"
	"time"
	"unicode/utf8"
)

// sipgo logs what arrives on its sockets as it sees fit: a datagram it
// cannot parse is an Error carrying the whole datagram, up to 64 KB, once
// per datagram. Anyone who can reach the dialog source's port could fill
// the log that way, and a broken PBX does it by itself. So sipgo gets its
// own logger, which writes through the source's handler but:
//   - at debug level: what sipgo reports is about traffic, not about
//     Callhook, and the dialog source logs what matters to the user
//     (subscription lost, bad dialog-info) itself;
//   - with every string attribute cut to sipgoLogMaxValue bytes: enough to
//     see what arrived, not a copy of it;
//   - with what sipgo meant as a warning or error at most once per
//     sipgoLogEvery, the next one counting those left out.

// sipgoLogMaxValue bounds a string attribute of a sipgo record, in bytes.
const sipgoLogMaxValue = 256

// sipgoLogEvery is the least time between two of sipgo's warnings or
// errors in the log.
const sipgoLogEvery = time.Second

// sipgoLogger returns the logger to hand to sipgo for records that go to
// base's handler.
func sipgoLogger(base *slog.Logger) *slog.Logger {
	return slog.New(&sipgoHandler{inner: base.Handler(), limit: &logLimit{every: sipgoLogEvery}})
}

// sipgoHandler is the slog.Handler behind sipgoLogger.
type sipgoHandler struct {
	inner slog.Handler
	limit *logLimit // shared by the handlers WithAttrs and WithGroup make
}

var _ slog.Handler = (*sipgoHandler)(nil)

func (h *sipgoHandler) Enabled(ctx context.Context, _ slog.Level) bool {
	return h.inner.Enabled(ctx, slog.LevelDebug)
}

func (h *sipgoHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn {
		at := r.Time
		if at.IsZero() {
			at = time.Now()
		}
		ok, dropped := h.limit.allow(at)
		if !ok {
			return nil
		}
		if dropped > 0 {
			r.AddAttrs(slog.Int("suppressed", dropped))
		}
	}
	out := slog.NewRecord(r.Time, slog.LevelDebug, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(truncAttr(a))
		return true
	})
	return h.inner.Handle(ctx, out)
}

func (h *sipgoHandler) WithAttrs(as []slog.Attr) slog.Handler {
	cut := make([]slog.Attr, len(as))
	for i, a := range as {
		cut[i] = truncAttr(a)
	}
	return &sipgoHandler{inner: h.inner.WithAttrs(cut), limit: h.limit}
}

func (h *sipgoHandler) WithGroup(name string) slog.Handler {
	return &sipgoHandler{inner: h.inner.WithGroup(name), limit: h.limit}
}

// truncAttr cuts a's string values and errors, in groups too, to
// sipgoLogMaxValue bytes. Errors count: sipgo's parse errors quote the
// line they could not parse ("transmission beginning '…' is not a SIP
// message"), which is as long as a datagram. Values of other kinds are
// sipgo's own and short.
func truncAttr(a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		if s := a.Value.String(); len(s) > sipgoLogMaxValue {
			a.Value = slog.StringValue(truncUTF8(s, sipgoLogMaxValue) + "…")
		}
	case slog.KindAny:
		if err, ok := a.Value.Any().(error); ok && err != nil {
			if s := err.Error(); len(s) > sipgoLogMaxValue {
				a.Value = slog.StringValue(truncUTF8(s, sipgoLogMaxValue) + "…")
			}
		}
	case slog.KindGroup:
		g := a.Value.Group()
		cut := make([]slog.Attr, len(g))
		for i, ga := range g {
			cut[i] = truncAttr(ga)
		}
		a.Value = slog.GroupValue(cut...)
	}
	return a
}

// truncUTF8 cuts s to at most n bytes without splitting a character.
func truncUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// logLimit lets one record through per interval and counts the others.
type logLimit struct {
	every time.Duration

	mu      sync.Mutex
	last    time.Time
	dropped int
}

// allow reports whether a record at t may be logged, and how many were
// held back since the last one that was.
func (l *logLimit) allow(t time.Time) (bool, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.last.IsZero() && t.Sub(l.last) < l.every {
		l.dropped++
		return false, 0
	}
	n := l.dropped
	l.last, l.dropped = t, 0
	return true, n
}
