package ui

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/callhook/callhook/hooks"
)

// held reports a plain value that looks like a credential and is not in
// the config yet: it stays out until the user ticks Secret or chooses
// Keep as text.
func (hl *headerList) held(r *headerRow) bool {
	return r.secretName == "" && !r.secret.Checked && !r.plain &&
		r.value.Text != r.saved && looksLikeCredential(r.key.Text, r.value.Text)
}

// lastHeld returns the held row edited last, or nil: the one the hint
// speaks of.
func (hl *headerList) lastHeld() *headerRow {
	var last *headerRow
	for _, r := range hl.rows {
		if hl.held(r) && (last == nil || r.edited > last.edited) {
			last = r
		}
	}
	return last
}

// showHint puts the hint in place of the list's helper text while a value
// is held. Its text does not change, so its height does not either.
func (hl *headerList) showHint() {
	held := hl.lastHeld() != nil
	setVisible(hl.hint, held)
	setVisible(hl.helper, !held)
}

// keepAsText releases the held value into the config; the row's later
// values are plain text too.
func (hl *headerList) keepAsText() {
	if r := hl.lastHeld(); r != nil {
		r.plain = true
		r.saved = r.value.Text
	}
	hl.e.changed()
}

// urlHeld reports a URL whose userinfo holds a password typed as text
// that is not in the config yet: like a credential-looking header value,
// it stays out until the user stores it in the keychain or keeps it as
// text. A browser URL cannot name a secret, so there is nothing to wait
// for there.
func (e *editor) urlHeld() bool {
	if e.urlPlain || e.h.Action == hooks.ActionBrowser || e.h.URL == e.urlSaved {
		return false
	}
	_, _, ok := urlPassword(e.h.URL)
	return ok
}

// showURLHint offers the choices for a held URL password under the URL.
func (e *editor) showURLHint() {
	held := e.urlHeld()
	setVisible(e.urlHint, held)
	if i, j, ok := urlPassword(e.h.URL); held && ok {
		setVisible(e.urlStore, !strings.ContainsAny(e.h.URL[i:j], "{}"))
	}
}

// storeURLPassword moves the URL's password into the keychain and puts
// {secret.NAME} in its place.
func (e *editor) storeURLPassword() {
	raw := e.h.URL
	i, j, ok := urlPassword(raw)
	if !ok {
		return
	}
	pw := raw[i:j]
	if s, err := url.PathUnescape(pw); err == nil {
		pw = s
	}
	name := secretName(e.currentID(), "url")
	e.urlStore.Disable()
	e.keychain(name, pw, func(err error) {
		e.urlStore.Enable()
		if err != nil {
			showMessage(e.urlMsg, e.u.l.Tf("Could not store the password in the keychain: %v", e.u.l.errText(err)))
			return
		}
		if strings.TrimSpace(e.url.Text) != raw {
			return // edited meanwhile: the hint is still there for the new text
		}
		e.url.SetText(raw[:i] + "{secret." + name + "}" + raw[j:])
	})
}

// keepURLAsText releases a held URL into the config.
func (e *editor) keepURLAsText() {
	e.urlPlain = true
	e.changed()
}

// urlPassword finds the password of raw's userinfo, raw[i:j], when it is
// text rather than placeholders only. It works on URLs still being typed.
func urlPassword(raw string) (i, j int, ok bool) {
	s := strings.Index(raw, "://")
	if s < 0 {
		return 0, 0, false
	}
	s += len("://")
	auth := raw[s:]
	if end := strings.IndexAny(auth, "/?#"); end >= 0 {
		auth = auth[:end]
	}
	at := strings.LastIndex(auth, "@")
	colon := strings.Index(auth, ":")
	if at < 0 || colon < 0 || colon > at {
		return 0, 0, false
	}
	if strings.TrimSpace(placeholders.ReplaceAllString(auth[colon+1:at], "")) == "" {
		return 0, 0, false
	}
	return s + colon + 1, s + at, true
}

// Credential-looking text: a scheme word of the Authorization header, a
// query-like pair naming a key, or a long run of token characters mixing
// letters and digits. Any value of a header whose name says it carries
// one counts too.
var (
	authScheme   = regexp.MustCompile(`(?i)^\s*(bearer|basic|token|digest)\s`)
	keyPair      = regexp.MustCompile(`(?i)(^|[^a-z])(api[_-]?key|key|token|secret|password|passwd)\s*=`)
	tokenRun     = regexp.MustCompile(`[A-Za-z0-9+/=_.-]{20,}`)
	placeholders = regexp.MustCompile(`\{[^{}]*\}`)
	credentialIn = []string{"auth", "token", "secret", "key", "password", "passwd", "cookie"}
)

// looksLikeCredential reports whether a header value may be a credential
// that belongs in the keychain. Placeholders are not credentials: a value
// built on {secret.NAME} already keeps its secret out of the config.
func looksLikeCredential(header, value string) bool {
	if strings.Contains(value, "{secret.") {
		return false
	}
	value = placeholders.ReplaceAllString(value, " ")
	if strings.TrimSpace(value) == "" {
		return false
	}
	name := strings.ToLower(header)
	for _, w := range credentialIn {
		if strings.Contains(name, w) {
			return true
		}
	}
	if authScheme.MatchString(value) || keyPair.MatchString(value) {
		return true
	}
	for _, run := range tokenRun.FindAllString(value, -1) {
		if strings.ContainsAny(run, "0123456789") && strings.IndexFunc(run, isLetter) >= 0 {
			return true
		}
	}
	return false
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
