package ui

import (
	"strings"

	"github.com/callhook/callhook/hooks"
)

// changed is called for every edit: validate, show, and save if valid.
// An editor that was closed or replaced (undo, a reload) saves nothing:
// work it started, such as a keychain write, may still call it.
func (e *editor) changed() {
	if e.loading || e.readOnly || e.u.hooks.editor != e {
		return
	}
	e.autosave()
	e.showUndo()
}

func (e *editor) autosave() {
	e.showAction()
	errs := e.check()
	if len(errs) > 0 {
		e.unsaved = true
		e.state.SetText(e.u.l.T("Not saved: fix the problems shown."))
		return
	}
	l := e.u.l
	held := e.holding()
	cfg := e.configWith(false)
	if err := e.u.commit(cfg); err != nil {
		e.unsaved = true
		if held {
			// Without the held value the draft is incomplete (a new
			// hook's URL): nothing to save until the user chooses.
			e.state.SetText(l.T("Not saved: a value that looks like a credential waits for your choice."))
			return
		}
		e.showProblems(e.problemTexts(err), nil)
		e.state.SetText(l.T("Not saved: fix the problems shown."))
		return
	}
	if hk, ok := cfg.Hook(e.h.ID); ok {
		e.urlSaved = hk.URL
	}
	e.isNew = false
	pending := e.headers.pending()
	e.unsaved = held || pending
	switch {
	case held:
		e.state.SetText(l.T("Not saved: a value that looks like a credential waits for your choice."))
	case pending:
		e.state.SetText(l.T("A header value is saved when you leave its field."))
	default:
		e.state.SetText(l.T("All changes are saved."))
	}
}

// holding reports a value held back from the config until the user
// chooses what it is.
func (e *editor) holding() bool {
	return e.headers.lastHeld() != nil || e.urlHeld()
}

// check validates the draft and shows every problem; it returns the
// errors (warnings do not stop saving).
func (e *editor) check() []string {
	if e.readOnly {
		return e.checkManaged()
	}
	errs := e.collect()
	urlErr, bodyErr, warns := e.checkTemplates()
	if urlErr == "" {
		// A host the administrator's policy does not allow is refused
		// where it is typed, not only by the agent's save.
		urlErr = e.hostRefused()
	}
	showMessage(e.urlMsg, urlErr)
	showMessage(e.bodyMsg, bodyErr)
	urlWarn, bodyWarn, headerWarns := e.e164Warnings()
	showMessage(e.urlWarn, urlWarn)
	showMessage(e.bodyWarn, bodyWarn)
	warns = append(warns, headerWarns...)
	if urlErr != "" {
		errs = append(errs, urlErr)
	}
	if bodyErr != "" {
		errs = append(errs, bodyErr)
	}
	if len(errs) == 0 {
		errs = e.problemTexts(e.configWith(true).ValidateWith(e.u.policy()))
	}
	e.showProblems(errs, warns)
	e.headers.showHint()
	e.showURLHint()
	e.updatePreview()
	return errs
}

// problemTexts lists the validation problems that concern this hook.
func (e *editor) problemTexts(err error) []string {
	var out []string
	for _, p := range e.u.l.problems(err) {
		if p.Hook != "" && p.Hook != e.h.ID {
			continue
		}
		msg := p.Message
		if p.Field != "" {
			msg = p.Field + ": " + msg
		}
		out = append(out, msg)
	}
	if err != nil && len(out) == 0 {
		// Problems elsewhere in the file block saving this hook too.
		out = append(out, e.u.l.Tf("The config has problems outside this hook: %v", e.u.l.errText(err)))
	}
	return out
}

func (e *editor) showProblems(errs, warns []string) {
	showMessage(e.errs, strings.Join(errs, "\n"))
	showMessage(e.warns, strings.Join(warns, "\n"))
}

// configWith returns a copy of the config holding the draft: as typed,
// to validate what the user sees, or as it may be saved, with held and
// unfinished values replaced by what the config holds.
func (e *editor) configWith(typed bool) *hooks.Config {
	cfg := e.u.cfg.Clone()
	if e.isNew {
		// The policy's managed hooks hold their ids too.
		e.h.ID = uniqueID(e.u.policy().Apply(cfg), slug(e.h.Name))
	}
	h := e.h.Clone()
	if !typed {
		h.Headers = e.headers.values()
		if e.urlHeld() {
			h.URL = e.urlSaved
		}
	}
	if hk, ok := cfg.Hook(h.ID); ok && !e.isNew {
		*hk = h
	} else {
		cfg.Hooks = append(cfg.Hooks, h)
	}
	return cfg
}
