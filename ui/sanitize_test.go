package ui

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"plain", "Jane Doe", 64, "Jane Doe"},
		{"newlines collapse", "Jane\r\n\tDoe", 64, "Jane Doe"},
		{"leading and trailing space", "  Jane  ", 64, "Jane"},
		{"control characters", "Ja\x00ne\x1b[31m", 64, "Jane[31m"},
		{"bidi override", "+49 \u202E0987\u202C", 64, "+49 0987"},
		{"bidi isolates and marks", "\u2066a\u2069\u200Fb\u061C", 64, "ab"},
		{"zero width", "Ja\u200Bne", 64, "Jane"},
		{"invalid UTF-8", "Ja\xffne", 64, "Jane"},
		{"capped with ellipsis", strings.Repeat("a", 100), 10, strings.Repeat("a", 9) + "…"},
		{"cap does not end in a space", "aaaa bbbbbb", 6, "aaaa…"},
		{"cap counts runes", strings.Repeat("ü", 20), 5, "üüüü…"},
		{"exactly max", "abcde", 5, "abcde"},
		{"umlauts kept", "Müller", 64, "Müller"},
		{"empty", "", 64, ""},
		{"markup shows as sent", `Müller & Söhne <GmbH>`, 64, `Müller & Söhne <GmbH>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sanitize(tt.in, tt.max); got != tt.want {
				t.Errorf("sanitize(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
		})
	}
}

// A notification's body may be read as markup: there < > & become
// look-alikes, and nothing else differs from sanitize.
func TestSanitizeNotice(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"markup cannot make a link", `<a href="https://evil.example">Bank</a> & Co`, 64, `‹a href="https://evil.example"›Bank‹/a› ＆ Co`},
		{"plain", "Jane\n Doe", 64, "Jane Doe"},
		{"bidi override", "+49 \u202E0987\u202C", 64, "+49 0987"},
		{"capped like sanitize", strings.Repeat("&", 10), 6, strings.Repeat("＆", 5) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sanitizeNotice(tt.in, tt.max); got != tt.want {
				t.Errorf("sanitizeNotice(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
		})
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"Jane Doe", "\u202Eevil", "a\nb", "\xff\xfe", strings.Repeat("x ", 50)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := sanitize(s, maxNoticeText)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 %q", got)
		}
		if n := utf8.RuneCountInString(got); n > maxNoticeText {
			t.Fatalf("%d runes, cap %d", n, maxNoticeText)
		}
		for _, r := range got {
			if r == '\n' || r == '\r' || r < 0x20 || isBidiControl(r) {
				t.Fatalf("kept %U in %q", r, got)
			}
		}
		if strings.Contains(got, "  ") || strings.TrimSpace(got) != got {
			t.Fatalf("whitespace not collapsed: %q", got)
		}
	})
}
