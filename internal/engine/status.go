package engine

import (
	"log/slog"

	"github.com/callhook/callhook/sip"
)

// keepaliveAnswered is the Keepalive text of a keepalive the PBX answered.
const keepaliveAnswered = "answered"

// statusLog says how a status change is logged: an error at error level
// with what to fix, an unanswered keepalive as a warning, the rest as
// information. Only what is known is logged.
func statusLog(s sip.Status) (slog.Level, []any) {
	args := []any{"state", s.State}
	add := func(k string, v any, ok bool) {
		if ok {
			args = append(args, k, v)
		}
	}
	add("detail", s.Detail, s.Detail != "")
	add("registered", s.Registered, s.State == sip.StateRegistered)
	add("transport", s.Transport, s.Transport != "")
	add("advertised", s.Advertised, s.Advertised != "")
	add("learned", s.Learned, s.Advertised != "")
	add("keepalive", s.Keepalive, s.Keepalive != "")
	add("dialect", s.Dialect, s.Dialect != "")
	add("placeholders", sip.DialectNotes(s.Dialect), s.Dialect != "")
	switch {
	case s.State == sip.StateError:
		return slog.LevelError, append(args, "err", s.Err)
	case s.Keepalive != "" && s.Keepalive != keepaliveAnswered:
		return slog.LevelWarn, append(args, "fix", "the PBX stopped answering: check the network and firewall between this machine and the PBX")
	case s.Err != "":
		return slog.LevelWarn, append(args, "err", s.Err)
	}
	return slog.LevelInfo, args
}
