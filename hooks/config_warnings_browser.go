package hooks

import (
	"fmt"
	"slices"
	"strings"
)

// BrowserSecretWarnings names the secrets a browser hook puts into the
// query of the page it opens (the UCware case: a web page that logs the
// agent in from its URL). The hook works: the browser gets the secret's
// value. But the browser keeps every URL it opens in its history, and may
// sync that history to other devices, so the value can be read there
// long after the call; config check and the editor say so. Any other
// hook, and a URL that does not parse, has none.
func (h *Hook) BrowserSecretWarnings() []Problem {
	return h.browserSecretWarnings("hooks[" + h.ID + "]")
}

func (h *Hook) browserSecretWarnings(path string) []Problem {
	if h.Action != ActionBrowser {
		return nil
	}
	u, err := h.ParseURL()
	if err != nil {
		return nil
	}
	var tokens []string
	for _, r := range u.Template().Refs() {
		if tok := r.Token(); r.Name == "secret" && !slices.Contains(tokens, tok) {
			tokens = append(tokens, tok)
		}
	}
	if len(tokens) == 0 {
		return nil
	}
	return []Problem{{Path: join(path, "url"), Hook: h.ID, Field: "url",
		Message: fmt.Sprintf("the browser keeps this URL in its history with the value of %s in plain text, readable by anyone who can read the history",
			strings.Join(tokens, ", "))}}
}
