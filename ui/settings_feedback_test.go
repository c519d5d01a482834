package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/callhook/callhook/assets"
	"github.com/callhook/callhook/hooks"
)

// bothSources is a config in mode with both sources filled in, so the
// mode can be switched and the new source saves at once.
func bothSources(mode string) *hooks.Config {
	cfg := proxyConfig()
	cfg.Source.Mode = mode
	cfg.Source.Dialog = dialogConfig().Source.Dialog
	return cfg
}

// problemLines maps every problem line of the Settings tab that shows
// something to its text, by where it is ("upstream", "dialog.expires",
// "source", "top").
func problemLines(s *settingsTab) map[string]string {
	out := map[string]string{}
	add := func(name string, m *widget.Label) {
		if t := shown(m); t != "" {
			out[name] = t
		}
	}
	for f, m := range s.proxy.problems.lines {
		add("proxy."+f, m)
	}
	for f, m := range s.dialog.problems.lines {
		add("dialog."+f, m)
	}
	add("source", s.sourceProblem)
	add("top", s.problems)
	add("country", s.countryProblem)
	add("queues", s.queues.problem)
	return out
}

// TestSourceProblemNamesItsField: each source field's problem shows under
// that field, without the config path, and says what is wrong; a message
// that would start with its verb is led by the field's label. Nothing
// reads "Not saved: is required in proxy mode".
func TestSourceProblemNamesItsField(t *testing.T) {
	tests := []struct {
		name string
		cfg  *hooks.Config
		lang string
		edit func(t *testing.T, h *harness)
		line string // where the problem shows
		want string // all of it
	}{
		{"missing upstream", proxyConfig(), "en", func(t *testing.T, h *harness) { enter(t, h, h.u.settings.proxy.upstream, "") },
			"proxy.upstream", "Not saved: the PBX address is required in proxy mode (host or host:port, e.g. pbx.example.com:5060)"},
		{"missing listen", proxyConfig(), "en", func(t *testing.T, h *harness) { enter(t, h, h.u.settings.proxy.listen, "") },
			"proxy.listen", "Not saved: the address to listen on for softphones is required in proxy mode (host:port, e.g. 127.0.0.1:5070)"},
		{"upstream port out of range", proxyConfig(), "en", func(t *testing.T, h *harness) { enter(t, h, h.u.settings.proxy.upstream, "1.2.3.4:99999") },
			"proxy.upstream", `Not saved: "1.2.3.4:99999": port 99999 is out of range (1-65535)`},
		{"upstream as a SIP URI", proxyConfig(), "en", func(t *testing.T, h *harness) {
			enter(t, h, h.u.settings.proxy.upstream, "sip:pbx.example.com")
		}, "proxy.upstream", `Not saved: "sip:pbx.example.com": leave out sip: (write pbx.example.com)`},
		{"listen without port", proxyConfig(), "en", func(t *testing.T, h *harness) { enter(t, h, h.u.settings.proxy.listen, "127.0.0.1") },
			"proxy.listen", `Not saved: "127.0.0.1": the port is missing (e.g. 127.0.0.1:5070)`},
		{"missing server", dialogConfig(), "en", func(t *testing.T, h *harness) { enter(t, h, h.u.settings.dialog.server, "") },
			"dialog.server", "Not saved: the PBX address is required in dialog mode (host or host:port, e.g. pbx.example.com:5060)"},
		{"dialog local address", dialogConfig(), "en", func(t *testing.T, h *harness) { enter(t, h, h.u.settings.dialog.leg.local, "10.0.0.5:99999") },
			"dialog.local_address", `Not saved: "10.0.0.5:99999": port 99999 is out of range (0-65535)`},
		{"nothing to watch", dialogConfig(), "en", func(t *testing.T, h *harness) { enter(t, h, h.u.settings.dialog.watch, "") },
			"dialog.watch", "Not saved: at least one extension to watch is required in dialog mode (e.g. 1002)"},
		{"watch a SIP address", dialogConfig(), "en", func(t *testing.T, h *harness) { enter(t, h, h.u.settings.dialog.watch, "1002@pbx") },
			"dialog.watch", `Not saved: "1002@pbx" must be an extension or user name`},
		{"expires led by its label", dialogConfig(), "en", func(t *testing.T, h *harness) { enter(t, h, h.u.settings.dialog.expires, "30") },
			"dialog.expires", "Not saved: Expires (s) must be between 60 and 86400 seconds, not 30"},
		{"expires led by its German label", dialogConfig(), "de", func(t *testing.T, h *harness) { enter(t, h, h.u.settings.dialog.expires, "30") },
			"dialog.expires", "Nicht gespeichert: Gültigkeit (s) muss zwischen 60 und 86400 Sekunden liegen, nicht 30"},
		{"missing upstream in German", proxyConfig(), "de", func(t *testing.T, h *harness) { enter(t, h, h.u.settings.proxy.upstream, "") },
			"proxy.upstream", "Nicht gespeichert: Die Adresse der Telefonanlage ist im Proxy-Modus erforderlich (host oder host:port, z. B. pbx.example.com:5060)"},
		{"upstream port out of range in German", proxyConfig(), "de", func(t *testing.T, h *harness) { enter(t, h, h.u.settings.proxy.upstream, "1.2.3.4:99999") },
			"proxy.upstream", `Nicht gespeichert: "1.2.3.4:99999": Port 99999 liegt außerhalb des Bereichs (1-65535)`},
		{"watch a SIP address in German", dialogConfig(), "de", func(t *testing.T, h *harness) { enter(t, h, h.u.settings.dialog.watch, `1002@pbx, "Mü:ller☎"`) },
			"dialog.watch", `Nicht gespeichert: "1002@pbx" muss eine Nebenstelle oder ein Benutzername sein; "\"Mü:ller☎\"" muss eine Nebenstelle oder ein Benutzername sein`},
		{"country code in German", proxyConfig(), "de", func(t *testing.T, h *harness) { h.u.settings.country.SetText("0049") },
			"country", `Nicht gespeichert: Ländervorwahl muss aus den Ziffern der Ländervorwahl ohne + oder 00 bestehen (z. B. 49), nicht "0049"`},
		{"queue in German", proxyConfig(), "de", func(t *testing.T, h *harness) {
			q := h.u.settings.queues
			q.add(hooks.Queue{Name: "Support", Numbers: []string{"200"}})
			q.save()
			q.rows[0].name.SetText("")
		}, "queues", "Nicht gespeichert: Warteschlange 1: Name ist erforderlich"},
		{"ca file", proxyConfig(), "en", func(t *testing.T, h *harness) {
			h.u.settings.proxy.leg.transport.SetSelected("tls")
			enter(t, h, h.u.settings.proxy.leg.caFile, "ca.pem")
		}, "proxy.ca_file", `Not saved: "ca.pem" must be an absolute path (callhook may start in another directory)`},
		{"country code led by its label", proxyConfig(), "en", func(t *testing.T, h *harness) { h.u.settings.country.SetText("0049") },
			"country", `Not saved: Country code must be the country code's digits without + or 00 (e.g. 49), not "0049"`},
		{"queue by its place and column", proxyConfig(), "en", func(t *testing.T, h *harness) {
			q := h.u.settings.queues
			q.add(hooks.Queue{Name: "Support", Numbers: []string{"200"}})
			q.save()
			q.rows[0].name.SetText("")
		}, "queues", "Not saved: Queue 1: Name is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.UI.Language = tt.lang
			h := newHarness(t, tt.cfg, Options{})
			usePauseClock(h)
			tt.edit(t, h)
			h.settle()
			got := problemLines(h.u.settings)
			if got[tt.line] != tt.want {
				t.Errorf("problem under %s\n got %q\nwant %q", tt.line, got[tt.line], tt.want)
			}
			for where, text := range got {
				if where != tt.line {
					t.Errorf("a problem shows under %s too: %q", where, text)
				}
				if strings.Contains(text, ": is ") || strings.Contains(text, ": ist ") || strings.Contains(text, "source.") {
					t.Errorf("problem under %s names no field or the config path: %q", where, text)
				}
			}
		})
	}
}

// TestModeSwitchToIncompleteSource: choosing proxy mode with its fields
// empty saves nothing; each empty field says what it needs, and the
// status no longer shows the error of the dialog subscription, which
// runs on until the proxy's settings are complete.
func TestModeSwitchToIncompleteSource(t *testing.T) {
	h := newHarness(t, dialogConfig(), Options{})
	s := h.u.settings
	h.b.emit(Event{Kind: SourceChanged, Source: SourceStatus{State: sourceError, Err: "SUBSCRIBE 1002: 403 Forbidden"}})
	h.settle()
	if !strings.Contains(s.status.Text, "403 Forbidden") {
		t.Fatalf("status %q before the switch, want the SUBSCRIBE error", s.status.Text)
	}
	saves := len(h.b.saved())
	s.mode.SetSelectedIndex(index(s.modes, hooks.SourceProxy))
	h.settle()
	if n := len(h.b.saved()) - saves; n != 0 {
		t.Fatalf("%d saves of an incomplete proxy", n)
	}
	got := problemLines(s)
	for _, f := range []string{"proxy.listen", "proxy.upstream"} {
		if !strings.Contains(got[f], "is required in proxy mode") || strings.HasPrefix(got[f], "Not saved: is") {
			t.Errorf("problem under %s: %q, want what it is and that it is required", f, got[f])
		}
	}
	if len(got) != 2 {
		t.Errorf("problems shown: %q, want listen and upstream only", got)
	}
	if st := s.status; strings.Contains(st.Text, "403") || st.Importance == widget.DangerImportance ||
		st.Text != "Not started: this source starts once the settings below are complete." {
		t.Errorf("status after choosing an incomplete proxy: %q (importance %v)", st.Text, st.Importance)
	}
	// The subscription still runs: back in dialog mode, its error is the
	// status again.
	s.mode.SetSelectedIndex(index(s.modes, hooks.SourceDialog))
	h.settle()
	if !strings.Contains(s.status.Text, "403 Forbidden") || len(problemLines(s)) != 0 {
		t.Errorf("back in dialog mode: status %q, problems %q", s.status.Text, problemLines(s))
	}
}

// TestModeSwitchClearsOldSourceError: once another mode is saved, the
// status is the new source's: the old source's error goes at once, and
// what the old source says while it stops (its "off", its states) is not
// shown; the new source's own reports are, and a good state clears its
// error.
func TestModeSwitchClearsOldSourceError(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		old      SourceStatus
		starts   string         // the status right after the switch
		stale    []SourceStatus // what the replaced source says after it
		fresh    SourceStatus   // the new source's first report
		want     string
	}{
		{"dialog to proxy", hooks.SourceDialog, hooks.SourceProxy,
			SourceStatus{State: sourceError, Err: "SUBSCRIBE 1002: 403 Forbidden", Transport: "udp"}, "Starting",
			[]SourceStatus{{State: "off", Detail: "stopped"}, {State: "subscribed", Detail: "1 of 1 extensions subscribed"}},
			SourceStatus{State: "listening", Detail: "softphones: 127.0.0.1:5070 (udp, tcp) · PBX: pbx.example.com:5060"},
			"Listening · softphones: 127.0.0.1:5070 (udp, tcp) · PBX: pbx.example.com:5060"},
		{"proxy to dialog", hooks.SourceProxy, hooks.SourceDialog,
			SourceStatus{State: sourceError, Err: "no answer from pbx.example.com:5060", Detail: "PBX unreachable"}, "Starting",
			[]SourceStatus{{State: "listening", Detail: "softphones: 127.0.0.1:5070"}, {State: "off", Detail: "stopped"}},
			SourceStatus{State: "subscribed", Detail: "1 of 1 extensions subscribed"},
			"Subscribed · 1 of 1 extensions subscribed"},
		{"proxy to none", hooks.SourceProxy, hooks.SourceNone,
			SourceStatus{State: sourceError, Err: "bind 127.0.0.1:5070: address already in use"}, "Off",
			[]SourceStatus{{State: sourceError, Err: "bind 127.0.0.1:5070: address already in use"}, {State: "listening"}},
			SourceStatus{State: "off", Detail: "no call source (source mode none)"},
			"Off · no call source (source mode none)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, bothSources(tt.from), Options{})
			s := h.u.settings
			h.b.emit(Event{Kind: SourceChanged, Source: tt.old})
			h.settle()
			if s.status.Importance != widget.DangerImportance || h.app.icon != assets.TrayError {
				t.Fatalf("the old source's error is not shown: %q", s.status.Text)
			}
			s.mode.SetSelectedIndex(index(s.modes, tt.to))
			h.settle()
			if got := h.b.lastSaved(t).Source.Mode; got != tt.to {
				t.Fatalf("saved mode %q, want %q", got, tt.to)
			}
			check := func(when, want string) {
				t.Helper()
				if st := s.status; st.Text != want || st.Importance == widget.DangerImportance {
					t.Errorf("status %s: %q (importance %v), want %q", when, st.Text, st.Importance, want)
				}
				if h.app.icon == assets.TrayError {
					t.Errorf("tray icon %s still shows the old source's error", when)
				}
			}
			check("right after the switch", tt.starts)
			for _, st := range tt.stale {
				h.b.emit(Event{Kind: SourceChanged, Source: st})
				h.settle()
				check("after the old source's "+st.State, tt.starts)
			}
			h.b.emit(Event{Kind: SourceChanged, Source: tt.fresh})
			h.settle()
			check("after the new source's report", tt.want)
			// The old source stops after the new one runs.
			h.b.emit(Event{Kind: SourceChanged, Source: SourceStatus{State: "off", Detail: "stopped"}})
			h.settle()
			check("after the old source stopped", tt.want)
		})
	}
}

// TestNewSourceErrorShowsAndClears: after a switch the new source's own
// error shows, and its next good state clears it.
func TestNewSourceErrorShowsAndClears(t *testing.T) {
	h := newHarness(t, bothSources(hooks.SourceDialog), Options{})
	s := h.u.settings
	s.mode.SetSelectedIndex(index(s.modes, hooks.SourceProxy))
	h.settle()
	h.b.emit(Event{Kind: SourceChanged, Source: SourceStatus{State: sourceError, Err: "lookup pbx.example.com: no such host"}})
	h.settle()
	if !strings.Contains(s.status.Text, "no such host") || s.status.Importance != widget.DangerImportance {
		t.Errorf("the new source's error: status %q (importance %v)", s.status.Text, s.status.Importance)
	}
	h.b.emit(Event{Kind: SourceChanged, Source: SourceStatus{State: "listening", Detail: "softphones: 127.0.0.1:5070"}})
	h.settle()
	if strings.Contains(s.status.Text, "no such host") || s.status.Importance == widget.DangerImportance {
		t.Errorf("after a good state: status %q (importance %v)", s.status.Text, s.status.Importance)
	}
}

// TestDialogPasswordSaysWhetherStored: the line under the password says
// whether one is stored. The keychain cannot be read, so at the start a
// named password is "not shown"; once one is stored (Enter or the
// button) the line says so, across a change of language too.
func TestDialogPasswordSaysWhetherStored(t *testing.T) {
	const (
		none     = "No password stored yet: type it and press Enter."
		unknown  = "Stored passwords are not shown: type a new one and press Enter to replace it."
		stored   = "A password is stored in the keychain as sip."
		storedDE = "Im Schlüsselbund ist ein Passwort als sip gespeichert."
	)
	t.Run("none named", func(t *testing.T) {
		h := newHarness(t, dialogConfig(), Options{})
		d := h.u.settings.dialog
		if got := d.passwordState.Text; got != none {
			t.Fatalf("password line %q, want %q", got, none)
		}
		h.u.tabs.SelectIndex(2)
		c := h.u.win.Canvas()
		c.Focus(d.password)
		typeKeys(h, "s3cret", func(string) {})
		if got := d.passwordState.Text; got != none {
			t.Errorf("password line %q while typing, want %q", got, none)
		}
		c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		h.settle()
		if got := h.b.secret("sip"); got != "s3cret" {
			t.Fatalf("keychain holds %q, want the typed password", got)
		}
		if got := h.b.lastSaved(t).Source.Dialog.PasswordSecret; got != "sip" {
			t.Errorf("saved password_secret %q, want sip", got)
		}
		if d.passwordState.Text != stored || d.password.Text != "" || d.password.PlaceHolder != "stored in the keychain" {
			t.Errorf("after Enter: line %q, field %q, placeholder %q", d.passwordState.Text, d.password.Text, d.password.PlaceHolder)
		}
		h.u.settings.language.SetSelectedIndex(2) // Deutsch rebuilds the tab
		h.settle()
		if got := h.u.settings.dialog.passwordState.Text; got != storedDE {
			t.Errorf("after switching to German: %q, want %q", got, storedDE)
		}
	})
	t.Run("named at start", func(t *testing.T) {
		cfg := dialogConfig()
		cfg.Source.Dialog.PasswordSecret = "sip"
		h := newHarness(t, cfg, Options{})
		d := h.u.settings.dialog
		if got := d.passwordState.Text; got != unknown {
			t.Fatalf("password line %q, want %q", got, unknown)
		}
		d.password.SetText("n3w")
		store := findButtons(d.content)["Store password"]
		if store == nil {
			t.Fatal("no Store password button")
		}
		store.OnTapped()
		h.settle()
		if got := d.passwordState.Text; got != stored || h.b.secret("sip") != "n3w" {
			t.Errorf("after Store password: line %q, keychain %q", got, h.b.secret("sip"))
		}
	})
	t.Run("keychain fails", func(t *testing.T) {
		h := newHarness(t, dialogConfig(), Options{})
		h.b.SetSecretFn = func(string, string) error { return errors.New("no keyring daemon") }
		d := h.u.settings.dialog
		d.password.SetText("s3cret")
		d.password.OnSubmitted(d.password.Text)
		h.settle()
		if got := d.passwordState.Text; !strings.Contains(got, "no keyring daemon") {
			t.Errorf("password line %q, want the keychain's error", got)
		}
		h.u.refresh()
		if got := d.passwordState.Text; got != none {
			t.Errorf("password line %q after a failed store, want %q", got, none)
		}
	})
}

// TestSettingsPlaceholdersAreHints: no field of the Settings tab shows a
// grey value that could pass for a setting ("max", "600"): a placeholder
// is an example ("e.g. max"), a default or a word, in the user's
// language.
func TestSettingsPlaceholdersAreHints(t *testing.T) {
	for _, lang := range []string{langEnglish, langGerman} {
		t.Run(lang, func(t *testing.T) {
			cfg := bothSources(hooks.SourceDialog)
			cfg.UI.Language = lang
			cfg.Queues = []hooks.Queue{{Name: "Support", Numbers: []string{"200"}}}
			h := newHarness(t, cfg, Options{})
			s := h.u.settings
			l := h.u.l
			if got, want := s.user.PlaceHolder, l.Tf("e.g. %s", "max"); got != want || got == "max" {
				t.Errorf("user name placeholder %q, want %q", got, want)
			}
			words := map[string]bool{}
			for _, w := range []string{"automatic", "none: the system's trusted CAs", "default: the server's host",
				"Name", "Numbers: 200, 201", "Caller name prefix", "SIP header", "stored in the keychain"} {
				words[l.T(w)] = true
			}
			example, _, _ := strings.Cut(l.T("e.g. %s"), "%s")
			byDefault, _, _ := strings.Cut(l.T("default: %s"), "%s")
			n := 0
			visit(s.content, func(o fyne.CanvasObject) {
				var p string
				switch e := o.(type) {
				case *widget.Entry:
					p = e.PlaceHolder
				case *sourceEntry:
					p = e.PlaceHolder
				default:
					return
				}
				n++
				if p != "" && !words[p] && !strings.HasPrefix(p, example) && !strings.HasPrefix(p, byDefault) {
					t.Errorf("placeholder %q looks like a value: write it as an example or a default", p)
				}
			})
			if n < 15 {
				t.Errorf("found %d entries: the walk missed the form", n)
			}
		})
	}
}
