package ui

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// assertNotLeaked fails when any config saved so far, or the config the
// UI holds (the next one saved), contains secret or a prefix of it
// longer than 3 characters.
func assertNotLeaked(t *testing.T, h *harness, secret, when string) {
	t.Helper()
	cfgs := append(h.b.saved(), h.u.cfg)
	for i, cfg := range cfgs {
		b, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for n := len(secret); n > 3; n-- {
			if strings.Contains(string(b), secret[:n]) {
				t.Fatalf("%s: config %d of %d holds %q:\n%s", when, i+1, len(cfgs), secret[:n], b)
			}
		}
	}
}

// keyByKey types s into en key by key, as a user does, letting the UI
// settle after each key and calling after.
func keyByKey(h *harness, en fyne.Focusable, s string, after func(typed string)) {
	for i, r := range s {
		test.Type(en, string(r))
		h.settle()
		after(s[:i+len(string(r))])
	}
}

// newHeaderRow opens the POST hook, adds a header row named key and puts
// the keyboard focus in its value field.
func newHeaderRow(t *testing.T, h *harness, key string) (*editor, *headerRow) {
	t.Helper()
	h.u.hooks.edit("log")
	e := h.u.hooks.editor
	e.headers.add("", "")
	r := e.headers.rows[len(e.headers.rows)-1]
	r.key.SetText(key)
	h.settle()
	c := h.u.win.Canvas()
	c.Focus(r.value)
	if c.Focused() != r.value {
		t.Fatal("the header value field cannot take the focus")
	}
	return e, r
}

// leave moves the keyboard focus from the header value to the name field.
func leave(h *harness, e *editor) {
	h.u.win.Canvas().Focus(e.name)
	h.settle()
}

func TestCredentialHeaderNeverReachesTheConfig(t *testing.T) {
	values := []struct {
		name   string
		header string
		value  string
		secret string // the part that must never be in a config
	}{
		{"bearer token", "Authorization", "Bearer topsecret99", "topsecret99"},
		{"token pair", "X-Custom", "token=abcdef123456", "abcdef123456"},
		{"random string", "X-Custom", "q7Rk2mZ9vXw4Lp8sNc3Tb6Yh1Jd5Gf0a", "q7Rk2mZ9vXw4Lp8sNc3Tb6Yh1Jd5Gf0a"},
	}
	orders := []struct {
		name  string
		leave bool // leave the field before ticking Secret
	}{
		{"tick Secret right after typing", false},
		{"leave the field, then tick Secret", true},
	}
	for _, v := range values {
		for _, o := range orders {
			t.Run(v.name+"/"+o.name, func(t *testing.T) {
				h := newHarness(t, sampleConfig(), Options{})
				e, r := newHeaderRow(t, h, v.header)
				keyByKey(h, r.value, v.value, func(typed string) {
					assertNotLeaked(t, h, v.secret, "after typing "+typed)
				})
				if o.leave {
					leave(h, e)
					assertNotLeaked(t, h, v.secret, "after leaving the field")
					if !e.headers.hint.Visible() || !strings.HasPrefix(e.headers.help.Text, "Looks like a credential") {
						t.Errorf("no hint for the held value (hint shown: %v, %q)", e.headers.hint.Visible(), e.headers.help.Text)
					}
					if !e.unsaved || !strings.Contains(e.state.Text, "waits for your choice") {
						t.Errorf("state %q (unsaved %v): want the held value reported", e.state.Text, e.unsaved)
					}
				}

				tapCheck(r.secret)
				h.settle()
				assertNotLeaked(t, h, v.secret, "after ticking Secret")
				name := secretName("log", v.header)
				if got := h.b.secret(name); got != v.value {
					t.Errorf("keychain %s holds %q, want %q", name, got, v.value)
				}
				hk, _ := h.b.lastSaved(t).Hook("log")
				if got, want := hk.Headers[v.header], "{secret."+name+"}"; got != want {
					t.Errorf("config header %s = %q, want %q", v.header, got, want)
				}
				if e.headers.hint.Visible() || e.unsaved {
					t.Errorf("after ticking Secret: hint shown %v, unsaved %v", e.headers.hint.Visible(), e.unsaved)
				}
			})
		}
	}
}

// A value that does not look like a credential still waits until its
// field is left: the Secret tick may come next.
func TestHeaderValueWaitsUntilTheFieldIsLeft(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	e, r := newHeaderRow(t, h, "X-Custom")
	keyByKey(h, r.value, "hunter2", func(typed string) {
		assertNotLeaked(t, h, "hunter2", "after typing "+typed)
		if !strings.Contains(e.state.Text, "saved when you leave") {
			t.Errorf("after typing %q: state %q", typed, e.state.Text)
		}
	})
	tapCheck(r.secret)
	h.settle()
	assertNotLeaked(t, h, "hunter2", "after ticking Secret")
	if got := h.b.secret("log-x-custom"); got != "hunter2" {
		t.Errorf("keychain holds %q", got)
	}
}

func TestHarmlessHeaderIsSavedAsTyped(t *testing.T) {
	tests := []struct {
		name   string
		finish func(h *harness, e *editor, r *headerRow)
	}{
		{"leave the field", func(h *harness, e *editor, r *headerRow) { leave(h, e) }},
		{"press Enter", func(h *harness, e *editor, r *headerRow) { r.value.OnSubmitted(r.value.Text); h.settle() }},
		{"go back to the list", func(h *harness, e *editor, r *headerRow) {
			test.Tap(findButtons(e.content)["Back to the list"])
			h.settle()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, sampleConfig(), Options{})
			e, r := newHeaderRow(t, h, "Accept")
			keyByKey(h, r.value, "application/json", func(typed string) {
				if e.headers.hint.Visible() {
					t.Fatalf("after typing %q: hint %q for a harmless value", typed, e.headers.help.Text)
				}
			})
			tt.finish(h, e, r)
			hk, _ := h.b.lastSaved(t).Hook("log")
			if got := hk.Headers["Accept"]; got != "application/json" {
				t.Errorf("saved Accept = %q, want application/json", got)
			}
			if e.headers.hint.Visible() || e.unsaved {
				t.Errorf("hint shown %v, unsaved %v", e.headers.hint.Visible(), e.unsaved)
			}
		})
	}
}

func TestKeepAsTextReleasesTheHeldValue(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	e, r := newHeaderRow(t, h, "Authorization")
	keyByKey(h, r.value, "Bearer abc123", func(string) {})
	leave(h, e)
	if hk, _ := h.b.lastSaved(t).Hook("log"); hk.Headers["Authorization"] != "" {
		t.Fatalf("held value saved: %q", hk.Headers["Authorization"])
	}
	keep := findButtons(e.headers.content)["Keep as text"]
	if keep == nil || !e.headers.hint.Visible() {
		t.Fatal("no Keep as text button shown")
	}
	test.Tap(keep)
	h.settle()
	if hk, _ := h.b.lastSaved(t).Hook("log"); hk.Headers["Authorization"] != "Bearer abc123" {
		t.Errorf("after Keep as text: saved %q", hk.Headers["Authorization"])
	}
	if e.headers.hint.Visible() || e.unsaved {
		t.Errorf("after Keep as text: hint shown %v, unsaved %v", e.headers.hint.Visible(), e.unsaved)
	}

	// The choice holds for the row: its next value is saved when finished.
	h.u.win.Canvas().Focus(r.value)
	r.value.SetText("Bearer def456")
	leave(h, e)
	if hk, _ := h.b.lastSaved(t).Hook("log"); hk.Headers["Authorization"] != "Bearer def456" {
		t.Errorf("edited after Keep as text: saved %q", hk.Headers["Authorization"])
	}
}

// A config that already holds a credential as text opens and saves as it
// is: the editor neither loses it nor nags about it.
func TestPlainCredentialFromTheFileIsKept(t *testing.T) {
	cfg := sampleConfig()
	cfg.Hooks[1].Headers = map[string]string{"Authorization": "Bearer old-token-1", "Accept": "application/json"}
	h := newHarness(t, cfg, Options{})
	h.u.hooks.edit("log")
	e := h.u.hooks.editor
	var auth *headerRow
	for _, r := range e.headers.rows {
		if r.key.Text == "Authorization" {
			auth = r
		}
	}
	if auth == nil || auth.value.Text != "Bearer old-token-1" {
		t.Fatal("the header from the file is not shown")
	}
	if e.headers.hint.Visible() {
		t.Errorf("hint %q for a value the file already holds", e.headers.help.Text)
	}
	e.timeout.SetText("7s")
	h.settle()
	hk, _ := h.b.lastSaved(t).Hook("log")
	if hk.Headers["Authorization"] != "Bearer old-token-1" || hk.Headers["Accept"] != "application/json" {
		t.Errorf("saved headers %v, want both kept", hk.Headers)
	}

	// Edited, it is held; the file keeps the old value meanwhile.
	h.u.win.Canvas().Focus(auth.value)
	keyByKey(h, auth.value, "x", func(string) {})
	leave(h, e)
	if hk, _ := h.b.lastSaved(t).Hook("log"); hk.Headers["Authorization"] != "Bearer old-token-1" {
		t.Errorf("while held: saved %q, want the old value", hk.Headers["Authorization"])
	}
	if !e.headers.hint.Visible() {
		t.Error("no hint for the edited credential")
	}
}

// The hint replaces the header list's helper text in a slot of fixed
// height: nothing below it moves, so no button slides under the pointer.
func TestHeaderHintDoesNotMoveTheForm(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	e, r := newHeaderRow(t, h, "X-Custom")
	h.u.win.Resize(fyne.NewSize(920, 680))
	add := findButtons(e.content)["Add header"]
	where := func() fyne.Position {
		h.u.win.Content().Refresh() // lay out what changed
		return fyne.CurrentApp().Driver().AbsolutePositionForObject(add)
	}
	before := where()
	keyByKey(h, r.value, "Bearer abc123", func(typed string) {
		if len(typed) > len("Bearer") && !e.headers.hint.Visible() {
			t.Fatalf("after typing %q: no hint shown", typed)
		}
		if after := where(); after != before {
			t.Fatalf("after typing %q: Add header moved from %v to %v", typed, before, after)
		}
	})
}

func TestSigningSecretNeverReachesTheConfig(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	h.u.hooks.edit("log")
	e := h.u.hooks.editor
	test.Tap(findButtons(e.content)["Generate"])
	h.settle()
	key := h.b.secret("log-signing")
	if key == "" {
		t.Fatal("no key in the keychain")
	}
	assertNotLeaked(t, h, strings.TrimPrefix(key, "whsec_"), "after Generate")
	// Every later save names the key, never holds it.
	keyByKey(h, e.timeout, "9s", func(typed string) {
		assertNotLeaked(t, h, strings.TrimPrefix(key, "whsec_"), "after typing "+typed)
	})
	if hk, _ := h.b.lastSaved(t).Hook("log"); hk.SigningSecret != "log-signing" || time.Duration(hk.Timeout) != 9*time.Second {
		t.Errorf("saved signing_secret %q, timeout %v", hk.SigningSecret, hk.Timeout)
	}
}

func TestURLPasswordIsHeldBack(t *testing.T) {
	const typed = "https://max:hunter2pass@crm.example.com/api"
	tests := []struct {
		name    string
		button  string
		wantURL string
		keyring string
	}{
		{"store in keychain", "Store in keychain", "https://max:{secret.log-url}@crm.example.com/api", "hunter2pass"},
		{"keep as text", "Keep as text", typed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, sampleConfig(), Options{})
			h.u.hooks.edit("log")
			e := h.u.hooks.editor
			e.url.SetText("")
			h.settle()
			keyByKey(h, e.url, typed, func(s string) {
				assertNotLeaked(t, h, "hunter2pass", "after typing "+s)
			})
			if !e.urlHint.Visible() {
				t.Fatal("no hint for the password in the URL")
			}
			test.Tap(findButtons(e.urlHint)[tt.button])
			h.settle()
			hk, _ := h.b.lastSaved(t).Hook("log")
			if hk.URL != tt.wantURL {
				t.Errorf("saved URL %q, want %q", hk.URL, tt.wantURL)
			}
			if got := h.b.secret("log-url"); got != tt.keyring {
				t.Errorf("keychain holds %q, want %q", got, tt.keyring)
			}
			if tt.keyring != "" {
				assertNotLeaked(t, h, "hunter2pass", "after storing")
			}
			if e.urlHint.Visible() || e.unsaved {
				t.Errorf("hint shown %v, unsaved %v", e.urlHint.Visible(), e.unsaved)
			}
		})
	}
}

func TestLooksLikeCredential(t *testing.T) {
	tests := []struct {
		name   string
		header string
		value  string
		want   bool
	}{
		{"bearer", "X-Custom", "Bearer abc", true},
		{"basic lower case", "X-Custom", "basic dXNlcjpwYXNz", true},
		{"token scheme", "X-Custom", "Token 123", true},
		{"digest", "X-Custom", "Digest username=max", true},
		{"token pair", "X-Custom", "token=abc", true},
		{"api key pair", "X-Custom", "a=1&api_key=xyz", true},
		{"password pair", "X-Custom", "user=max;password=x", true},
		{"random run", "X-Custom", "q7Rk2mZ9vXw4Lp8sNc3T", true},
		{"uuid", "X-Request", "123e4567-e89b-12d3-a456-426614174000", true},
		{"authorization header", "Authorization", "hello", true},
		{"proxy authorization", "proxy-authorization", "x", true},
		{"api key header", "X-Api-Key", "x", true},
		{"token in the name", "X-Auth-Token", "x", true},
		{"secret in the name", "Client-Secret", "x", true},
		{"json", "Accept", "application/json", false},
		{"vendor type", "Content-Type", "application/vnd.api+json", false},
		{"language list", "Accept-Language", "de-DE,de;q=0.9,en;q=0.8", false},
		{"no cache", "Cache-Control", "no-cache", false},
		{"short mixed", "X-Version", "v2.1", false},
		{"monkey is no key", "X-Custom", "monkey=1", false},
		{"caller data", "X-Caller", "{caller} {remote|e164}", false},
		{"secret reference", "Authorization", "Bearer {secret.crm}", false},
		{"empty credential header", "Authorization", "", false},
		{"letters only, long", "X-Custom", "abcdefghijklmnopqrstuvwxyz", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := looksLikeCredential(tt.header, tt.value); got != tt.want {
				t.Errorf("looksLikeCredential(%q, %q) = %v, want %v", tt.header, tt.value, got, tt.want)
			}
		})
	}
}

func TestURLPassword(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want string // "" for none
	}{
		{"password", "https://max:pw@crm.example.com/x", "pw"},
		{"at sign in the password", "https://max:p@w@crm.example.com/", "p@w"},
		{"user only", "https://max@crm.example.com/", ""},
		{"port, no userinfo", "https://crm.example.com:8443/x", ""},
		{"secret reference", "https://max:{secret.crm}@crm.example.com/", ""},
		{"at sign in the path", "https://crm.example.com/a:b@c", ""},
		{"still typing", "https://max:hun", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i, j, ok := urlPassword(tt.raw)
			got := ""
			if ok {
				got = tt.raw[i:j]
			}
			if got != tt.want {
				t.Errorf("urlPassword(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}
