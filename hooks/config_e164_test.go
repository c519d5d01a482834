package hooks_test

import (
	"reflect"
	"testing"

	"github.com/callhook/callhook/hooks"
)

func TestE164Warnings(t *testing.T) {
	const needs = `needs a country code to turn national numbers (030 1234567) into +49…: set "country_code" (e.g. "49" for Germany)`
	tests := []struct {
		name   string
		mutate func(*hooks.Config)
		want   []string
	}{
		{"country code set", func(c *hooks.Config) {}, nil},
		{"e164 in the url", func(c *hooks.Config) { c.CountryCode = "" },
			[]string{"hooks[crm].url: {remote|e164} " + needs}},
		{"e164 in the body", func(c *hooks.Config) {
			c.CountryCode = ""
			c.Hooks[0].URL = "https://crm.example.com/search?phone={remote|digits}"
			c.Hooks[1].Body = `{"from":"{caller|e164}","to":"{callee|e164}","again":"{caller|e164}"}`
		}, []string{"hooks[log].body: {caller|e164}, {callee|e164} need a country code to turn national numbers (030 1234567) into +49…: " +
			`set "country_code" (e.g. "49" for Germany)`}},
		{"e164 in a header", func(c *hooks.Config) {
			c.CountryCode = ""
			c.Hooks[0].URL = "https://crm.example.com/search?phone={remote}"
			c.Hooks[1].Headers["X-Caller"] = "{header.X-Caller|e164}"
		}, []string{`hooks[log].headers["X-Caller"]: {header.X-Caller|e164} ` + needs}},
		{"every field", func(c *hooks.Config) {
			c.CountryCode = ""
			c.Hooks[1].URL = "https://crm.example.com/api/calls?n={remote|e164}"
			c.Hooks[1].Body = `{"n":"{remote|e164}"}`
			c.Hooks[1].Headers["X-B"] = "{remote|e164}"
			c.Hooks[1].Headers["X-A"] = "{remote|e164}"
		}, []string{
			"hooks[crm].url: {remote|e164} " + needs,
			"hooks[log].url: {remote|e164} " + needs,
			"hooks[log].body: {remote|e164} " + needs,
			`hooks[log].headers["X-A"]: {remote|e164} ` + needs,
			`hooks[log].headers["X-B"]: {remote|e164} ` + needs,
		}},
		{"e164 unused", func(c *hooks.Config) {
			c.CountryCode = ""
			c.Hooks[0].URL = "https://crm.example.com/search?phone={remote|digits}&e164=1"
		}, nil},
		{"disabled hook still warns", func(c *hooks.Config) { c.CountryCode = ""; c.Hooks[0].Enabled = false },
			[]string{"hooks[crm].url: {remote|e164} " + needs}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := loadValid(t)
			tt.mutate(c)
			if err := c.Validate(); err != nil {
				t.Fatalf("a missing country code must stay valid: %v", err)
			}
			var got []string
			for _, p := range c.E164Warnings() {
				got = append(got, p.String())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("E164Warnings =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestHookE164Warnings(t *testing.T) {
	c := loadValid(t)
	h := &c.Hooks[0]
	if w := h.E164Warnings("49"); len(w) != 0 {
		t.Errorf("with a country code: %v", w)
	}
	w := h.E164Warnings("")
	if len(w) != 1 || w[0].Hook != "crm" || w[0].Field != "url" || w[0].Path != "hooks[crm].url" {
		t.Fatalf("without a country code: %+v", w)
	}
}

// A field that does not parse is Validate's to report, not a warning.
func TestE164WarningsSkipBadTemplates(t *testing.T) {
	c := loadValid(t)
	c.CountryCode = ""
	c.Hooks[0].URL = "https://crm.example.com/search?phone={remote|e164"
	if w := c.E164Warnings(); len(w) != 0 {
		t.Errorf("warnings for an unparsable URL: %v", w)
	}
}
