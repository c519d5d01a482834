package ui

import (
	"errors"
	"strings"

	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/internal/filestat"
)

// saver writes the config in the background, one save at a time. Edits
// made while a save runs coalesce: only the newest config is written next,
// so typing in a field costs one write per save round-trip, not per key.
type saver struct {
	busy    bool
	pending *hooks.Config
	// failed is the banner text of the last failed save, cleared by the
	// next save that succeeds.
	failed string
}

// commit makes cfg the current config if it validates, under the
// administrator's policy as the agent's save checks it, and saves it. It
// returns the validation error, which the caller shows next to the edit;
// nothing is saved then. Runs on the UI goroutine.
func (u *UI) commit(cfg *hooks.Config) error {
	if err := cfg.ValidateWith(u.policy()); err != nil {
		return err
	}
	u.cfg = cfg
	u.saves.pending = cfg.Clone()
	if !u.saves.busy {
		u.startSave()
	}
	if u.tray != nil {
		u.tray.update()
	}
	return nil
}

func (u *UI) startSave() {
	cfg := u.saves.pending
	u.saves.pending = nil
	u.saves.busy = true
	u.spawn(func() {
		err := u.b.Save(cfg)
		st := filestat.Stat{}
		if err == nil && u.watch != nil {
			st = filestat.Of(u.watch.path)
		}
		u.do(func() {
			u.saves.busy = false
			if err != nil {
				u.log.Error("save config", "err", err)
				u.saves.failed = u.l.Tf("Could not save the settings: %v", u.l.errText(err))
				u.banner.show(bannerError, u.saves.failed, "", nil)
			} else {
				// A save that works ends the failure it reported before.
				if u.saves.failed != "" && u.banner.message() == u.saves.failed {
					u.banner.hide()
				}
				u.saves.failed = ""
				if u.watch != nil {
					// Our own write is not a change made by someone else.
					u.watch.known = st
				}
			}
			if u.saves.pending != nil {
				u.startSave()
			}
		})
	})
}

// saving reports whether a save is running or queued: the watcher must
// not mistake our own write for an outside change.
func (u *UI) saving() bool { return u.saves.busy || u.saves.pending != nil }

// problemsOf returns the problems of a validation error, or one problem
// holding its text for any other error.
func problemsOf(err error) []hooks.Problem {
	if err == nil {
		return nil
	}
	var ve *hooks.ValidationError
	if errors.As(err, &ve) {
		return ve.Problems
	}
	return []hooks.Problem{{Message: err.Error()}}
}

// problems is problemsOf with each message in the window's language
// (Msg); the error's own problems stay as they are.
func (l tr) problems(err error) []hooks.Problem {
	ps := problemsOf(err)
	if l.lang != langGerman || len(ps) == 0 {
		return ps
	}
	out := make([]hooks.Problem, len(ps))
	for i, p := range ps {
		p.Message = l.Msg(p.Message)
		out[i] = p
	}
	return out
}

// errText is err's text in the window's language. In German, a
// validation error is its problems ("path: message", each translated),
// any other error its text as far as Msg knows it.
func (l tr) errText(err error) string {
	var ve *hooks.ValidationError
	switch {
	case l.lang != langGerman:
		return err.Error()
	case !errors.As(err, &ve):
		return l.Msg(err.Error())
	}
	lines := make([]string, 0, len(ve.Problems))
	for _, p := range l.problems(err) {
		lines = append(lines, p.String())
	}
	return strings.Join(lines, "; ")
}
