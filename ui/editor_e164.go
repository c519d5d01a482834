package ui

import (
	"strconv"
	"strings"
)

// e164Warnings words each use of the e164 filter while the config has no
// country code (hooks.Hook.E164Warnings): then national numbers pass it
// unchanged, and a CRM searching for +49… finds nothing. The URL's and
// the body's show next to their field; a header's, among the warnings.
// They warn: the hook is saved all the same.
func (e *editor) e164Warnings() (url, body string, headers []string) {
	l := e.u.l
	msg := l.T("No country code is set, so |e164 leaves national numbers such as 030 1234567 as they are instead of making them +49…: set the country code in Settings.")
	for _, p := range e.h.E164Warnings(e.u.cfg.CountryCode) {
		switch p.Field {
		case "url":
			url = msg
		case "body":
			body = msg
		default:
			headers = append(headers, l.Tf("Header %s: %s", headerOf(p.Field), msg))
		}
	}
	return url, body, headers
}

// headerOf returns the header name in a problem's field, headers["X"].
func headerOf(field string) string {
	q, ok := strings.CutPrefix(field, "headers[")
	if !ok {
		return field
	}
	name, err := strconv.Unquote(strings.TrimSuffix(q, "]"))
	if err != nil {
		return field
	}
	return name
}
