package ui

// browserSecretWarnings words hooks.Hook.BrowserSecretWarnings for the
// editor, in the window's language: a browser hook whose URL carries a
// {secret.NAME} in its query (a page that logs the agent in from its URL)
// opens the page with the secret's value, and the browser keeps that URL
// in its history. They warn, as config check does: the hook is saved all
// the same.
func (e *editor) browserSecretWarnings() []string {
	var out []string
	for _, p := range e.h.BrowserSecretWarnings() {
		out = append(out, e.u.l.Msg(p.Message))
	}
	return out
}
