package templates

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// escapeURL percent-encodes everything but RFC 3986 unreserved characters,
// so a value can neither end its component ("/", "?", "#", "&", "=", "@",
// ":") nor be read differently by a lenient server ("+", "%", ";"). In a
// path it encodes "." too, so that a value ".." is never a dot-segment.
func escapeURL(s string, dots bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isLower(c) || isUpper(c) || isDigit(c) || c == '-' || c == '_' || c == '~' || (c == '.' && !dots) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// escapeForm encodes a value of an application/x-www-form-urlencoded body.
func escapeForm(s string) string { return url.QueryEscape(s) }

// escapeJSONString returns s as the inside of a JSON string literal.
// Invalid UTF-8 becomes U+FFFD, as encoding/json does.
func escapeJSONString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b[1 : len(b)-1])
}

// quoteJSON returns s as a complete JSON string.
func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// escapeXML escapes s as XML character data or an attribute value;
// characters XML cannot hold at all become U+FFFD.
func escapeXML(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s)) // writes to a buffer never fail
	return b.String()
}

// cleanHeader removes what must never reach a header value: all C0 and C1
// control characters (CR and LF would start a new header), DEL, and
// invalid UTF-8.
func cleanHeader(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if r == utf8.RuneError && n <= 1 {
			continue
		}
		if unicode.IsControl(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
