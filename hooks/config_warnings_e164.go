package hooks

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/callhook/callhook/templates"
)

// E164Warnings lists each hook field that uses the e164 filter while the
// config has no country code: the filter then leaves a national number
// (030 1234567) as it is, which a CRM search for +49… never finds, and
// nothing else would tell the user why.
//
// It stands apart from Warnings, which judges each hook by itself: a hook
// is not wrong for using e164 (the presets do), the config lacks a
// setting. A report on a whole config, such as config check, asks for
// both.
func (c *Config) E164Warnings() []Problem {
	if c.CountryCode != "" {
		return nil
	}
	var out []Problem
	for i := range c.Hooks {
		h := &c.Hooks[i]
		path := "hooks[" + h.ID + "]"
		if h.ID == "" {
			path = fmt.Sprintf("hooks[%d]", i)
		}
		out = append(out, h.e164Warnings(path)...)
	}
	return out
}

// E164Warnings is Config.E164Warnings for one hook, for a form that edits
// the hook of a config whose country code is countryCode.
func (h *Hook) E164Warnings(countryCode string) []Problem {
	if countryCode != "" {
		return nil
	}
	return h.e164Warnings("hooks[" + h.ID + "]")
}

// e164Warnings names each of h's fields that uses e164. Fields that do
// not parse are left to Validate.
func (h *Hook) e164Warnings(path string) []Problem {
	var out []Problem
	check := func(field string, t *templates.Template) {
		if tokens := e164Tokens(t); len(tokens) > 0 {
			out = append(out, Problem{Path: join(path, field), Hook: h.ID, Field: field, Message: e164Warning(tokens)})
		}
	}
	if u, err := h.ParseURL(); err == nil {
		check("url", u.Template())
	}
	if h.Body != "" {
		if b, err := templates.ParseBody(h.Body, h.ContentTypeOrDefault()); err == nil {
			check("body", b.Template())
		}
	}
	for _, name := range sortedKeys(anyMap(h.Headers)) {
		if t, err := templates.Parse(h.Headers[name]); err == nil {
			check("headers["+strconv.Quote(name)+"]", t)
		}
	}
	return out
}

// e164Tokens lists t's placeholders with the e164 filter, each once.
func e164Tokens(t *templates.Template) []string {
	var tokens []string
	for _, r := range t.Refs() {
		if tok := r.Token(); r.Filter == "e164" && !slices.Contains(tokens, tok) {
			tokens = append(tokens, tok)
		}
	}
	return tokens
}

func e164Warning(tokens []string) string {
	verb := "needs"
	if len(tokens) > 1 {
		verb = "need"
	}
	return fmt.Sprintf(`%s %s a country code to turn national numbers (030 1234567) into +49…: set "country_code" (e.g. "49" for Germany)`,
		strings.Join(tokens, ", "), verb)
}
