package ui

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

func TestEditorBadURLShowsMessageAndIsNotSaved(t *testing.T) {
	tests := []struct {
		name string
		url  string
	}{
		{"not http", "ftp://crm.example.com/{caller}"},
		{"placeholder in host", "https://{caller}.example.com/"},
		{"unknown placeholder", "https://crm.example.com/?q={nope}"},
		{"empty", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, sampleConfig(), Options{})
			h.u.hooks.edit("crm")
			e := h.u.hooks.editor
			e.url.SetText(tt.url)
			h.settle()
			if !e.urlMsg.Visible() || e.urlMsg.Text == "" {
				t.Errorf("URL %q: no message shown", tt.url)
			}
			if n := len(h.b.saved()); n != 0 {
				t.Errorf("URL %q: saved %d times, want not at all", tt.url, n)
			}
			if !h.u.hooks.dirty() {
				t.Error("editor does not report unsaved edits")
			}

			e.url.SetText("https://crm.example.com/contact?id={remote|digits}")
			h.settle()
			if e.urlMsg.Visible() {
				t.Errorf("message %q still shown for a good URL", e.urlMsg.Text)
			}
			got := h.b.lastSaved(t)
			if hk, _ := got.Hook("crm"); hk.URL != "https://crm.example.com/contact?id={remote|digits}" {
				t.Errorf("saved URL = %q", hk.URL)
			}
		})
	}
}

func TestPlaceholderMenuOffersWhatTheTriggersFill(t *testing.T) {
	tests := []struct {
		name     string
		triggers []call.Trigger
		want     []string
		notWant  []string
	}{
		{"ring has no duration", []call.Trigger{call.IncomingRing}, []string{"{caller}", "{remote}"}, []string{"{duration}"}},
		{"hangup has duration", []call.Trigger{call.IncomingHangup}, []string{"{duration}", "{outcome}"}, nil},
		{"ring and hangup: only what both fill", []call.Trigger{call.IncomingRing, call.IncomingHangup}, []string{"{caller}"}, []string{"{duration}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, sampleConfig(), Options{})
			h.u.hooks.edit("crm")
			e := h.u.hooks.editor
			e.setTriggers(tt.triggers...)
			h.settle()
			menu := e.placeholderMenu(e.url)
			var labels []string
			for _, it := range menu.Items {
				labels = append(labels, strings.Fields(it.Label)[0])
			}
			all := " " + strings.Join(labels, " ") + " "
			for _, w := range tt.want {
				if !strings.Contains(all, " "+w+" ") {
					t.Errorf("menu lacks %s: %v", w, labels)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(all, " "+w+" ") {
					t.Errorf("menu offers %s: %v", w, labels)
				}
			}
		})
	}
}

func TestPlaceholderMenuInsertsAtCursor(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	h.u.hooks.edit("crm")
	e := h.u.hooks.editor
	e.url.SetText("https://crm.example.com/?a=&b=1")
	e.url.CursorColumn = len("https://crm.example.com/?a=")
	for _, it := range e.placeholderMenu(e.url).Items {
		if strings.HasPrefix(it.Label, "{caller} ") {
			it.Action()
		}
	}
	h.settle()
	if want := "https://crm.example.com/?a={caller}&b=1"; e.url.Text != want {
		t.Errorf("URL = %q, want %q", e.url.Text, want)
	}
}

func TestPreviewRendersSampleDataEscaped(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	h.u.hooks.edit("crm")
	e := h.u.hooks.editor
	e.url.SetText("https://crm.example.com/search?phone={remote|e164}&name={remote_name}")
	h.settle()
	p := e.preview.Text
	if !strings.HasPrefix(p, "https://crm.example.com/search?phone=%2B49") {
		t.Errorf("preview %q: want the e164 number with + percent-encoded", p)
	}
	if strings.ContainsAny(p, " {}") || !strings.Contains(p, "name=Erika") {
		t.Errorf("preview %q: want the sample name escaped, no placeholders left", p)
	}

	h.u.hooks.edit("log")
	e = h.u.hooks.editor
	e.body.SetText(`{"name":"{remote_name}","n":{duration}}`)
	h.settle()
	if !strings.Contains(e.bodyPreview.Text, `"name":"Erika Mustermann"`) {
		t.Errorf("body preview %q lacks the JSON-escaped sample name", e.bodyPreview.Text)
	}
}

func TestTestRunsInTheBackground(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	release := make(chan struct{})
	var gotTrigger call.Trigger
	h.b.TestFn = func(_ context.Context, hk hooks.Hook, tr call.Trigger) (TestResult, error) {
		<-release
		gotTrigger = tr
		return TestResult{Status: 201, Latency: 42e6, Excerpt: "created\x1b[31m"}, nil
	}
	h.u.hooks.edit("log")
	e := h.u.hooks.editor
	test.Tap(findButtons(e.content)["Test"]) // returns while the request hangs
	if !strings.Contains(e.testOut.Text, "Testing") {
		t.Errorf("while testing: %q", e.testOut.Text)
	}
	close(release)
	h.settle()
	if want := "Delivered · HTTP 201 · 42 ms\ncreated[31m"; e.testOut.Text != want {
		t.Errorf("result %q, want %q", e.testOut.Text, want)
	}
	if gotTrigger != call.IncomingHangup {
		t.Errorf("tested with %q", gotTrigger)
	}
}

func TestSecretHeaderGoesToTheKeychain(t *testing.T) {
	tests := []struct {
		name        string
		secretFirst bool // tick Secret, then type the value and press Enter
	}{
		{"secret ticked first", true},
		{"value typed first", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, sampleConfig(), Options{})
			h.u.hooks.edit("log")
			e := h.u.hooks.editor
			e.headers.add("", "")
			r := e.headers.rows[0]
			r.key.SetText("Authorization")
			if tt.secretFirst {
				tapCheck(r.secret)
				r.value.SetText("Bearer s3cret")
				h.settle()
				r.value.OnSubmitted(r.value.Text)
			} else {
				r.value.SetText("Bearer s3cret")
				h.settle()
				tapCheck(r.secret)
			}
			h.settle()
			if got := h.b.secret("log-authorization"); got != "Bearer s3cret" {
				t.Errorf("keychain holds %q", got)
			}
			hk, _ := h.b.lastSaved(t).Hook("log")
			if v := hk.Headers["Authorization"]; v != "{secret.log-authorization}" {
				t.Errorf("config header = %q, want the secret reference", v)
			}
			if !tt.secretFirst {
				return
			}
			for _, c := range h.b.saved() {
				for _, hk := range c.Hooks {
					for _, v := range hk.Headers {
						if strings.Contains(v, "s3cret") {
							t.Fatal("the secret value reached the config file")
						}
					}
				}
			}
		})
	}
}

func TestGenerateSigningSecret(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	h.u.hooks.edit("log")
	e := h.u.hooks.editor
	test.Tap(findButtons(e.content)["Generate"])
	h.settle()
	key := h.b.secret("log-signing")
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(key, "whsec_"))
	if !strings.HasPrefix(key, "whsec_") || err != nil || len(raw) != 24 {
		t.Errorf("key %q: want whsec_ and 24 bytes of base64", key)
	}
	if hk, _ := h.b.lastSaved(t).Hook("log"); hk.SigningSecret != "log-signing" {
		t.Errorf("signing_secret = %q", hk.SigningSecret)
	}
}

// Caller data in a body whose content type has no escaping is a warning
// (not an error: the hook still saves); a type that escapes has none.
func TestEditorWarnsOfUnescapedCallerData(t *testing.T) {
	h := newHarness(t, sampleConfig(), Options{})
	h.u.hooks.edit("log")
	e := h.u.hooks.editor
	e.body.SetText("call from {caller} ({remote_name}), {remote|digits}")
	e.contentType.SetSelected("text/plain")
	h.settle()
	w := e.warns.Text
	if !e.warns.Visible() || !strings.Contains(w, "text/plain has no escaping: {caller}, {remote_name} reach the receiver") {
		t.Errorf("warnings %q: want the unescaped caller data named", w)
	}
	if strings.Contains(w, "{remote|digits}") {
		t.Errorf("warnings %q name the digits-only placeholder", w)
	}
	if hk, _ := h.b.lastSaved(t).Hook("log"); hk.ContentType != "text/plain" {
		t.Errorf("saved content type %q, want the warning not to stop saving", hk.ContentType)
	}

	e.body.SetText(`{"from":"{caller}","name":"{remote_name}"}`)
	e.contentType.SetSelected("application/json")
	h.settle()
	if strings.Contains(e.warns.Text, "escaping") {
		t.Errorf("warnings %q for a JSON body", e.warns.Text)
	}
}
