package hooks

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestExcerpt(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "ok", "ok"},
		{"control characters", "a\x1b[31mb\r\nc\x00", "a [31mb  c"},
		{"invalid utf-8", "a\xffb", "a\uFFFDb"},
		{"bidi override", "x\u202Ey", "x y"},
		{"long", strings.Repeat("é", 400), strings.Repeat("é", 256)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := excerpt([]byte(tt.in)); got != tt.want {
				t.Errorf("excerpt = %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzExcerpt(f *testing.F) {
	f.Add([]byte("hello\r\n"))
	f.Add([]byte(strings.Repeat("€", 300)))
	f.Fuzz(func(t *testing.T, b []byte) {
		s := excerpt(b)
		if len(s) > maxExcerpt*3 || !utf8.ValidString(s) {
			t.Fatalf("excerpt %q: too long or invalid UTF-8", s)
		}
		for _, r := range s {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("excerpt %q keeps control character %U", s, r)
			}
		}
	})
}

func TestValidHeaderName(t *testing.T) {
	for name, want := range map[string]bool{"Authorization": true, "X-Api-Key": true, "": false,
		"Bad Name": false, "a:b": false, "x\r\ny": false} {
		if got := validHeaderName(name); got != want {
			t.Errorf("validHeaderName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestExcerptCutsWholeCharacters(t *testing.T) {
	for _, r := range []string{"é", "€", "😀"} {
		got := excerpt([]byte(strings.Repeat(r, maxExcerpt)))
		if !utf8.ValidString(got) || strings.ContainsRune(got, utf8.RuneError) || len(got) > maxExcerpt {
			t.Errorf("excerpt of %s runes: %d bytes, valid %v", r, len(got), utf8.ValidString(got))
		}
	}
}
