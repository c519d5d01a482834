package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/hooks"
)

// settingsTab edits everything but the hooks. Like the editor it saves
// each change that validates and shows the problems of one that does not.
type settingsTab struct {
	u       *UI
	content fyne.CanvasObject
	loading bool

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
	problems                         *widget.Label
	// openFile asks for a file and passes its path to picked; tests
	// replace it.
	openFile func(picked func(path string))
}

func newSettingsTab(u *UI) *settingsTab {
	l := u.l
	s := &settingsTab{u: u}
	s.openFile = s.openFileDialog
	s.global = widget.NewCheck(l.T("Hooks enabled (turns every hook on or off)"), nil)
	s.minimised = widget.NewCheck(l.T("Start minimised to the tray"), nil)
	s.login = widget.NewCheck(l.T("Start at login"), nil)
	s.notify = widget.NewCheck(l.T("Notify me when a delivery fails"), nil)
	s.languages = []string{"", langEnglish, langGerman}
	s.language = widget.NewSelect([]string{l.T("System default"), "English", "Deutsch"}, nil)
	s.user = widget.NewEntry()
	s.user.SetPlaceHolder("max")
	s.country = widget.NewEntry()
	s.country.SetPlaceHolder("49")
	s.modes = []string{hooks.SourceNone, hooks.SourceProxy, hooks.SourceDialog}
	s.mode = widget.NewSelect([]string{l.T("None (simulated calls only)"), l.T("Local SIP proxy"), l.T("Dialog subscription (RFC 4235)")}, nil)
	s.proxy = newProxyFields(s)
	s.dialog = newDialogFields(s)
	s.queues = newQueueList(s)
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.problems = message(widget.DangerImportance)

	s.content = container.NewVScroll(container.NewPadded(container.NewVBox(
		s.problems,
		section(l.T("Hooks")), s.global,
		section(l.T("Call source")),
		widget.NewForm(widget.NewFormItem(l.T("Source"), s.mode), widget.NewFormItem(l.T("Status"), s.status)),
		s.proxy.content, s.dialog.content,
		section(l.T("You")),
		widget.NewForm(widget.NewFormItem(l.T("User name"), s.user), widget.NewFormItem(l.T("Country code"), s.country)),
		section(l.T("Queues")), s.queues.content,
		section(l.T("App")), s.minimised, s.login, s.notify,
		widget.NewForm(widget.NewFormItem(l.T("Language"), s.language)),
	)))
	s.refresh()
	s.showStatus()
	// Handlers go on after the first fill, so filling saves nothing.
	changed := func(string) { s.changed() }
	checked := func(bool) { s.changed() }
	s.global.OnChanged, s.minimised.OnChanged, s.notify.OnChanged = checked, checked, checked
	s.login.OnChanged = s.setLogin
	s.user.OnChanged, s.country.OnChanged, s.mode.OnChanged = changed, changed, changed
	s.language.OnChanged = func(string) {
		if s.loading {
			return
		}
		s.changed()
		s.u.setLanguage(s.u.cfg.UI.Language)
	}
	return s
}

// refresh fills the widgets from the config.
func (s *settingsTab) refresh() {
	s.loading = true
	defer func() { s.loading = false }()
	c := s.u.cfg
	s.global.SetChecked(c.Enabled)
	s.minimised.SetChecked(c.UI.StartMinimised)
	s.login.SetChecked(c.UI.StartAtLogin)
	s.notify.SetChecked(c.UI.Notify == nil || *c.UI.Notify)
	s.language.SetSelectedIndex(max(0, index(s.languages, c.UI.Language)))
	s.user.SetText(c.User)
	s.country.SetText(c.CountryCode)
	s.mode.SetSelectedIndex(max(0, index(s.modes, c.Source.Mode)))
	s.proxy.load(c.Source.Proxy)
	s.dialog.load(c.Source.Dialog)
	s.queues.load(c.Queues)
	s.showMode()
}

// changed builds a config from the widgets and saves it if it validates.
func (s *settingsTab) changed() {
	if s.loading {
		return
	}
	s.showMode()
	cfg := s.u.cfg.Clone()
	cfg.Enabled = s.global.Checked
	cfg.UI.StartMinimised = s.minimised.Checked
	cfg.UI.StartAtLogin = s.login.Checked
	notify := s.notify.Checked
	cfg.UI.Notify = &notify
	cfg.UI.Language = s.languages[max(0, s.language.SelectedIndex())]
	cfg.User = strings.TrimSpace(s.user.Text)
	cfg.CountryCode = strings.TrimPrefix(strings.TrimSpace(s.country.Text), "+")
	cfg.Source.Mode = s.modes[max(0, s.mode.SelectedIndex())]
	cfg.Source.Proxy = s.proxy.value()
	cfg.Source.Dialog = s.dialog.value(cfg.Source.Dialog)
	cfg.Queues = s.queues.value()
	if err := s.u.commit(cfg); err != nil {
		var lines []string
		for _, p := range problemsOf(err) {
			lines = append(lines, p.Message)
		}
		showMessage(s.problems, s.u.l.T("Not saved:")+" "+strings.Join(lines, "; "))
		return
	}
	showMessage(s.problems, "")
	s.u.hooks.refresh()
}

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
			s.changed()
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

// showStatus shows the source's live status: its state, then where the
// PBX reaches us and over what, then the last keepalive, one line each.
func (s *settingsTab) showStatus() {
	s.status.Importance = widget.MediumImportance
	if s.u.source.State == sourceError {
		s.status.Importance = widget.DangerImportance
	}
	s.status.SetText(statusText(s.u.l, s.u.source))
}

func statusText(l tr, st SourceStatus) string {
	text := stateLabel(l, st.State)
	if st.Detail != "" {
		text += " · " + st.Detail
	}
	if st.Err != "" {
		text += " (" + st.Err + ")"
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
			text += "\n" + l.Tf("Keepalive: %s", st.Keepalive)
		} else {
			text += "\n" + l.Tf("Keepalive: %s (%s)", st.Keepalive, st.KeepaliveAt.Local().Format("15:04:05"))
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

func (s *settingsTab) showMode() {
	mode := s.modes[max(0, s.mode.SelectedIndex())]
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
