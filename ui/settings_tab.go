package ui

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/hooks"
)

// settingsTab edits everything but the hooks. Each part (a check, the
// language, the country code, the queues, the source) is saved on its own
// on top of the last saved config, so a problem in one never holds back
// another; a part's problems show next to it. The source applies when a
// field is left or typing pauses, not per key: see sourceEntry.
type settingsTab struct {
	u       *UI
	content fyne.CanvasObject
	loading bool
	// wheel is the form's scroller: the wheel over its entries scrolls it.
	wheel wheelTarget

	global, minimised, login, notify *widget.Check
	language                         *widget.Select
	languages                        []string
	user, country                    *widget.Entry
	mode                             *widget.Select
	modes                            []string
	proxy                            proxyFields
	dialog                           dialogFields
	queues                           *queueList
	status                           *widget.Label
	// problems shows what concerns no single field; sourceProblem the
	// source's problems that have no field of their own (the mode).
	problems, sourceProblem, countryProblem *widget.Label
	// openFile asks for a file and passes its path to picked; tests
	// replace it.
	openFile func(picked func(path string))
	// after runs f on the UI goroutine once d has passed, unless the
	// returned stop is called first; tests replace it with a clock they
	// advance.
	after func(d time.Duration, f func()) (stop func())
	// typed says a source field was typed in since the source was last
	// applied; stopPause cancels the apply pending for the pause.
	typed     bool
	stopPause func()
	// The status line speaks for the source the saved config runs. After
	// the mode was switched here, switchedTo is the new mode, and what
	// the replaced source reports while it stops is not shown (see
	// fromReplaced); shownStatus is the status shown, begun says the
	// source has run (listened, subscribed) since it last restarted.
	switchedTo  string
	shownStatus SourceStatus
	begun       bool
	// storedSecret names the keychain entry a password was stored in
	// this session: the only way to know that one is stored.
	storedSecret string
	// The administrator's policy (settings_policy.go): its line, and the
	// notes on the switch and the source it decides; sourceLocked says
	// the source fields are disabled for it.
	policyBox              *fyne.Container
	policyLine             *widget.Label
	globalNote, sourceNote *widget.Label
	sourceLocked           bool
}

func newSettingsTab(u *UI) *settingsTab {
	l := u.l
	s := &settingsTab{u: u}
	if old := u.settings; old != nil {
		// A rebuild (another language) keeps what the old tab learned.
		s.switchedTo, s.shownStatus, s.begun, s.storedSecret = old.switchedTo, old.shownStatus, old.begun, old.storedSecret
	}
	s.openFile = s.openFileDialog
	s.after = s.afterFunc
	s.global = widget.NewCheck(l.T("Hooks enabled (turns every hook on or off)"), nil)
	s.minimised = widget.NewCheck(l.T("Start minimised to the tray"), nil)
	s.login = widget.NewCheck(l.T("Start at login"), nil)
	s.notify = widget.NewCheck(l.T("Notify me when a delivery fails"), nil)
	s.languages = []string{"", langEnglish, langGerman}
	s.language = widget.NewSelect([]string{l.T("System default"), "English", "Deutsch"}, nil)
	s.user = widget.NewEntry()
	s.user.SetPlaceHolder(l.Tf("e.g. %s", "max"))
	s.country = widget.NewEntry()
	s.country.SetPlaceHolder(l.T("e.g. 49"))
	s.modes = []string{hooks.SourceNone, hooks.SourceProxy, hooks.SourceDialog}
	s.mode = widget.NewSelect([]string{l.T("None (simulated calls only)"), l.T("Local SIP proxy"), l.T("Dialog subscription (RFC 4235)")}, nil)
	s.proxy = newProxyFields(s)
	s.dialog = newDialogFields(s)
	s.queues = newQueueList(s)
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.problems = message(widget.DangerImportance)
	s.sourceProblem = message(widget.DangerImportance)
	s.countryProblem = message(widget.DangerImportance)
	s.buildPolicy()

	s.content = s.wheel.vscroll(container.NewPadded(container.NewVBox(
		s.problems,
		s.policyBox,
		section(l.T("Hooks")), s.global, s.globalNote,
		section(l.T("Call source")), s.sourceNote,
		widget.NewForm(widget.NewFormItem(l.T("Source"), container.NewVBox(s.mode, s.sourceProblem)), widget.NewFormItem(l.T("Status"), s.status)),
		s.proxy.content, s.dialog.content,
		section(l.T("You")),
		widget.NewForm(widget.NewFormItem(l.T("User name"), s.wheel.entry(s.user)),
			widget.NewFormItem(l.T("Country code"), container.NewVBox(s.wheel.entry(s.country), s.countryProblem))),
		section(l.T("Queues")), s.queues.content,
		section(l.T("App")), s.minimised, s.login, s.notify,
		widget.NewForm(widget.NewFormItem(l.T("Language"), s.language)),
	)))
	s.refresh()
	if u.settings == nil {
		// The first status is the engine's word on the source it runs.
		s.showStatus()
	}
	// Handlers go on after the first fill, so filling saves nothing.
	s.global.OnChanged = func(on bool) {
		s.saveSetting(s.problems, "", nil, func(cfg *hooks.Config) { cfg.Enabled = on })
	}
	s.minimised.OnChanged = func(on bool) {
		s.saveSetting(s.problems, "", nil, func(cfg *hooks.Config) { cfg.UI.StartMinimised = on })
	}
	s.notify.OnChanged = func(on bool) {
		s.saveSetting(s.problems, "", nil, func(cfg *hooks.Config) { cfg.UI.Notify = &on })
	}
	s.login.OnChanged = s.setLogin
	s.user.OnChanged = func(v string) {
		s.saveSetting(s.problems, "", nil, func(cfg *hooks.Config) { cfg.User = strings.TrimSpace(v) })
	}
	s.country.OnChanged = func(v string) {
		s.saveSetting(s.countryProblem, "country_code", byLabel(l.T("Country code")), func(cfg *hooks.Config) {
			cfg.CountryCode = strings.TrimPrefix(strings.TrimSpace(v), "+")
		})
	}
	s.mode.OnChanged = func(string) { s.applySource() }
	s.language.OnChanged = func(string) {
		if s.loading {
			return
		}
		// The rebuild in the new language refills the form from the
		// config: typed source values apply first.
		s.sourceLeft()
		language := s.languages[max(0, s.language.SelectedIndex())]
		s.saveSetting(s.problems, "", nil, func(cfg *hooks.Config) { cfg.UI.Language = language })
		s.u.setLanguage(s.u.cfg.UI.Language)
	}
	return s
}

// refresh fills the widgets from the config. What was typed and not
// applied yet is replaced, and with it the problems shown.
func (s *settingsTab) refresh() {
	s.loading = true
	defer func() { s.loading = false }()
	s.cancelPause()
	for _, m := range []*widget.Label{s.problems, s.sourceProblem, s.countryProblem, s.queues.problem} {
		showMessage(m, "")
	}
	s.proxy.problems.clear()
	s.dialog.problems.clear()
	c := s.u.cfg
	// What the policy decides shows as the policy says, not as the
	// user's config does; showPolicy locks it.
	src := s.source()
	s.global.SetChecked(c.Enabled && s.u.policy().Enabled())
	s.minimised.SetChecked(c.UI.StartMinimised)
	s.login.SetChecked(c.UI.StartAtLogin)
	s.notify.SetChecked(c.UI.Notify == nil || *c.UI.Notify)
	s.language.SetSelectedIndex(max(0, index(s.languages, c.UI.Language)))
	s.user.SetText(c.User)
	s.country.SetText(c.CountryCode)
	s.mode.SetSelectedIndex(max(0, index(s.modes, src.Mode)))
	s.proxy.load(src.Proxy)
	s.dialog.load(src.Dialog)
	s.queues.load(c.Queues)
	s.showMode()
	s.dialog.showPassword(s.u.l, src.Dialog.PasswordSecret, s.storedSecret)
	s.showPolicy()
	s.renderStatus()
}

// save commits the last saved config with one part of it changed by
// set, and returns the problems that kept it from being saved.
func (s *settingsTab) save(set func(*hooks.Config)) []hooks.Problem {
	cfg := s.u.cfg.Clone()
	set(cfg)
	ps := s.u.l.problems(s.u.commit(cfg))
	if len(ps) == 0 {
		s.u.hooks.refresh()
	}
	return ps
}

// saveSetting saves one part outside the source and shows its problems,
// or none, in line; path is where its problems are in the config, word
// words them (nil: by their message).
func (s *settingsTab) saveSetting(line *widget.Label, path string, word func(hooks.Problem) string, set func(*hooks.Config)) {
	if s.loading {
		return
	}
	showMessage(line, notSaved(s.u.l, s.save(set), path, word))
}

// sourceTyped notes a key typed in a source field: the source applies
// once typing pauses, or earlier when the field is left.
func (s *settingsTab) sourceTyped() {
	if s.loading || s.sourceFixed() {
		return
	}
	s.typed = true
	if s.stopPause != nil {
		s.stopPause()
	}
	s.stopPause = s.after(sourcePause, s.sourceLeft)
}

// sourceLeft applies what was typed into the source fields, if anything:
// a field was left, Enter pressed or typing paused.
func (s *settingsTab) sourceLeft() {
	if s.typed {
		s.applySource()
	}
}

// applySource saves the source as the form shows it and puts each
// problem under its field. A problem shows only here, once the value is
// applied, never while it is being typed.
func (s *settingsTab) applySource() {
	// A source the policy fixes is shown, never written into the
	// user's config.
	if s.loading || s.sourceFixed() {
		return
	}
	s.cancelPause()
	s.showMode()
	before := s.u.cfg.Source
	ps := s.save(func(cfg *hooks.Config) {
		cfg.Source.Mode = s.formMode()
		cfg.Source.Proxy = s.proxy.value()
		cfg.Source.Dialog = s.dialog.value(cfg.Source.Dialog)
	})
	if len(ps) == 0 {
		s.sourceSaved(before)
	}
	ps = s.proxy.problems.show(s.u.l, "source.proxy.", ps)
	ps = s.dialog.problems.show(s.u.l, "source.dialog.", ps)
	showMessage(s.sourceProblem, notSaved(s.u.l, ps, "source.mode", byLabel(s.u.l.T("Source"))))
	s.renderStatus()
}

// sourceSaved notes that the source saved differs from before: the engine
// restarts it. A new mode's source has not said anything yet, so until it
// does the status is the state it starts in, not the old source's (an old
// SUBSCRIBE error does not belong under the proxy).
func (s *settingsTab) sourceSaved(before hooks.Source) {
	if reflect.DeepEqual(before, s.u.cfg.Source) {
		return
	}
	s.begun = false
	mode := s.savedMode()
	if mode == orDefault(before.Mode, hooks.SourceNone) {
		return
	}
	s.switchedTo = mode
	st := SourceStatus{State: "starting"}
	if mode == hooks.SourceNone {
		st.State = "off"
	}
	s.u.source, s.shownStatus = st, st
	if s.u.tray != nil {
		s.u.tray.update()
	}
}

// cancelPause forgets what was typed into the source fields and not
// applied yet.
func (s *settingsTab) cancelPause() {
	s.typed = false
	if s.stopPause != nil {
		s.stopPause()
		s.stopPause = nil
	}
}

// afterFunc is the real clock behind after. The timer fires on its own
// goroutine; a stop that comes after it fired but before f reached the
// UI goroutine still holds.
func (s *settingsTab) afterFunc(d time.Duration, f func()) (stop func()) {
	stopped := false // read and written on the UI goroutine only
	t := time.AfterFunc(d, func() {
		s.u.do(func() {
			if !stopped && !s.u.stopped {
				f()
			}
		})
	})
	return func() {
		stopped = true
		t.Stop()
	}
}

// notSaved words problems for the line next to a part of the form. A
// problem of that part (its path starts with part) shows without its
// path, which names a key of the file, not anything in the form: word
// words it instead (nil: by its message alone). Any other problem keeps
// its path.
func notSaved(l tr, ps []hooks.Problem, part string, word func(hooks.Problem) string) string {
	if len(ps) == 0 {
		return ""
	}
	if word == nil {
		word = func(p hooks.Problem) string { return p.Message }
	}
	lines := make([]string, 0, len(ps))
	for _, p := range ps {
		switch {
		case p.Path == "":
			lines = append(lines, p.Message)
		case part != "" && strings.HasPrefix(p.Path, part):
			lines = append(lines, word(p))
		default:
			lines = append(lines, p.String())
		}
	}
	return l.T("Not saved:") + " " + strings.Join(lines, "; ")
}

// byLabel words a problem of the field labelled label.
func byLabel(label string) func(hooks.Problem) string {
	return func(p hooks.Problem) string { return named(label, p.Message) }
}

// named leads msg with subject, the label of what it is about, when msg
// has no subject of its own: the config's messages follow the path that
// names the field ("expires: must be …"), so without the path some start
// with their verb. msg may be English or German (Msg).
func named(subject, msg string) string {
	verb, _, _ := strings.Cut(msg, " ")
	if subject != "" && (slices.Contains(subjectVerbsEN, verb) || slices.Contains(subjectVerbsDE, verb)) {
		return subject + " " + msg
	}
	return msg
}

// subjectVerbsEN are the words a message without a subject of its own
// starts with ("is required"); subjectVerbsDE those its German starts
// with ("ist erforderlich"), which i18n_msgs_test.go holds germanMsgs to.
var (
	subjectVerbsEN = []string{"is", "must", "needs", "may", "applies", "contains", "has"}
	subjectVerbsDE = []string{"ist", "muss", "braucht", "darf", "gilt", "enthält", "hat"}
)

// setLogin installs or removes the autostart entry in the background (it
// writes a file or the registry), then saves the setting.
func (s *settingsTab) setLogin(on bool) {
	if s.loading {
		return
	}
	s.u.spawn(func() {
		err := setAutostart(on)
		s.u.do(func() {
			if err != nil {
				s.loading = true
				s.login.SetChecked(!on)
				s.loading = false
				showMessage(s.problems, s.u.l.Tf("Could not change start at login: %v", err))
				return
			}
			s.saveSetting(s.problems, "", nil, func(cfg *hooks.Config) { cfg.UI.StartAtLogin = on })
		})
	})
}

// openFileDialog asks for a CA file (PEM) in a file dialog.
func (s *settingsTab) openFileDialog(picked func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		_ = r.Close()
		picked(r.URI().Path())
	}, s.u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pem", ".crt", ".cer"}))
	d.Show()
}

// showStatus shows the status the source just reported (u.source), unless
// it comes from the source a mode switch replaced.
func (s *settingsTab) showStatus() {
	mode := s.savedMode()
	if s.switchedTo != "" && s.switchedTo == mode && fromReplaced(mode, s.begun, s.u.source) {
		s.u.source = s.shownStatus
	} else {
		s.shownStatus = s.u.source
		s.begun = s.begun || running(mode, s.u.source.State)
	}
	s.renderStatus()
}

// renderStatus shows the source's status: its state, then where the PBX
// reaches us and over what, then the last keepalive, one line each. It
// speaks for the mode the form shows: a mode chosen but not saved yet
// (its fields have problems) has not started, whatever the source still
// running says.
func (s *settingsTab) renderStatus() {
	s.status.Importance = widget.MediumImportance
	if s.formMode() != s.savedMode() {
		s.status.SetText(s.u.l.T("Not started: this source starts once the settings below are complete."))
		return
	}
	if s.u.source.State == sourceError {
		s.status.Importance = widget.DangerImportance
	} else {
		s.clearSaveFailure()
	}
	s.status.SetText(statusText(s.u.l, s.u.source))
}

// clearSaveFailure hides the banner of a failed save once the source runs.
// A save fails mostly because the source did not start with the new
// values (the engine writes the file first, then applies it); a source
// that runs again says that failure no longer holds.
func (s *settingsTab) clearSaveFailure() {
	b := s.u.banner
	if b.text.Importance == widget.DangerImportance &&
		strings.HasPrefix(b.message(), s.u.l.Tf("Could not save the settings: %v", "")) {
		b.hide()
	}
}

func statusText(l tr, st SourceStatus) string {
	text := stateLabel(l, st.State)
	if st.Detail != "" {
		text += " · " + l.Msg(st.Detail)
	}
	if st.Err != "" {
		text += " (" + l.Msg(st.Err) + ")"
	}
	var leg []string
	if st.Advertised != "" {
		a := l.Tf("The PBX sees us at %s", st.Advertised)
		if st.Learned {
			a += " " + l.T("(public, learned from the PBX)")
		}
		leg = append(leg, a)
	}
	if st.Transport != "" {
		leg = append(leg, strings.ToUpper(st.Transport))
	}
	if len(leg) > 0 {
		text += "\n" + strings.Join(leg, " · ")
	}
	if st.Keepalive != "" {
		if st.KeepaliveAt.IsZero() {
			text += "\n" + l.Tf("Keepalive: %s", l.Msg(st.Keepalive))
		} else {
			text += "\n" + l.Tf("Keepalive: %s (%s)", l.Msg(st.Keepalive), st.KeepaliveAt.Local().Format("15:04:05"))
		}
	}
	return text + dialectText(l, st.Dialect)
}

func stateLabel(l tr, state string) string {
	switch state {
	case "starting":
		return l.T("Starting")
	case "listening":
		return l.T("Listening")
	case "registered":
		return l.T("Softphone registered")
	case "subscribed":
		return l.T("Subscribed")
	case sourceError:
		return l.T("Error")
	}
	return l.T("Off")
}

// fromReplaced reports whether st, reported while mode runs after a
// switch to it, comes from the source mode replaced, stopping: the engine
// passes on what that one says until it has stopped, and SourceStatus
// names no source. Each kind reports only some states: every source says
// off once stopped, and a running one never does; a proxy starts once
// (begun: it has run since) and never subscribes; a dialog subscription
// never listens for softphones; mode none reports off once. An error
// could be either's and is shown.
func fromReplaced(mode string, begun bool, st SourceStatus) bool {
	switch mode {
	case hooks.SourceNone:
		return st.State != "off" || begun
	case hooks.SourceProxy:
		return st.State == "off" || st.State == "subscribed" || st.Dialect != "" || begun && st.State == "starting"
	case hooks.SourceDialog:
		return st.State == "off" || st.State == "listening" || st.State == "registered"
	}
	return false
}

// running reports whether state says the source of mode runs.
func running(mode, state string) bool {
	switch mode {
	case hooks.SourceNone:
		return state == "off"
	case hooks.SourceProxy:
		return state == "listening" || state == "registered"
	}
	return state == "subscribed"
}

// formMode is the source mode the form shows; savedMode the one saved,
// which the engine runs.
func (s *settingsTab) formMode() string { return s.modes[max(0, s.mode.SelectedIndex())] }

func (s *settingsTab) savedMode() string { return orDefault(s.source().Mode, hooks.SourceNone) }

func (s *settingsTab) showMode() {
	mode := s.formMode()
	setVisible(s.proxy.content, mode == hooks.SourceProxy)
	setVisible(s.dialog.content, mode == hooks.SourceDialog)
}

func index(list []string, v string) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return -1
}

// splitList parses "200, 201" into its items.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		out = append(out, f)
	}
	return out
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}
