package ui

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNoticeText caps caller-supplied text in a notification: a display
// name is never longer, and a longer one is an attempt to fill the screen.
const maxNoticeText = 64

// sanitize makes caller-supplied text (display names and numbers come from
// the network) safe to show: invalid UTF-8, control characters and bidi
// overrides are removed, so the text cannot spoof a different number or
// push lines off screen; whitespace runs collapse to one space; the
// result is capped at max runes with an ellipsis. A label draws < > &
// as they are, so they stay: a caller's "Müller & Co" shows as sent.
func sanitize(s string, max int) string {
	out := make([]rune, 0, len(s))
	space := false
	for _, r := range strings.ToValidUTF8(s, "") {
		switch {
		case unicode.IsSpace(r):
			space = len(out) > 0
			continue
		case isBidiControl(r), unicode.IsControl(r), unicode.Is(unicode.Cf, r), r == utf8.RuneError:
			continue
		}
		if space {
			out = append(out, ' ')
			space = false
		}
		out = append(out, r)
	}
	if len(out) > max {
		out = append([]rune(strings.TrimRight(string(out[:max-1]), " ")), '…')
	}
	return string(out)
}

// sanitizeNotice is sanitize for a desktop notification: the markup
// characters < > & also become look-alikes, because Linux notification
// servers with "body-markup" read the body as HTML (a display name must
// not become a link). The notification server draws them in its own
// font; fyne's has no ＆, so the window never shows them.
func sanitizeNotice(s string, max int) string {
	return noticeMarkup.Replace(sanitize(s, max))
}

var noticeMarkup = strings.NewReplacer("<", "‹", ">", "›", "&", "＆")

// isBidiControl reports the embedding, override and isolate controls
// (U+202A..U+202E, U+2066..U+2069) and the directional marks.
func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) ||
		r == 0x200E || r == 0x200F || r == 0x061C
}
