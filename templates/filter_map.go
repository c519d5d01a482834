package templates

import (
	"slices"
	"strings"
	"unicode"

	"github.com/callhook/callhook/call"
)

// The map filter writes a placeholder whose values Callhook itself
// chooses from a fixed set in the words a receiver expects:
// {outcome|map:answered=connected,busy=busy,*=no_answer}. Each pair is
// VALUE=TEXT; VALUE is one the placeholder can take, or * for every
// value not listed. Without *, an unlisted value renders as itself. An
// empty value (a placeholder the trigger cannot fill) stays empty.
//
// TEXT is the hook author's literal text, not the caller's: letters and
// digits (of any script), spaces and _ - . +, possibly none. It is still
// escaped for where it stands, like every value.

// vocabularies are the values of the placeholders map applies to, in the
// order errors list them.
var vocabularies = map[string][]string{
	"direction": {string(call.In), string(call.Out)},
	"trigger":   triggerNames(),
	"outcome": {string(call.Answered), string(call.Missed), string(call.Busy), string(call.Rejected),
		string(call.Cancelled), string(call.AnsweredElsewhere), string(call.Failed)},
}

// mapDefault is the key of the pair for every value not listed.
const mapDefault = "*"

func triggerNames() []string {
	var out []string
	for _, t := range call.Triggers() {
		out = append(out, string(t))
	}
	return out
}

// mapNames lists the placeholders map applies to, in menu order.
func mapNames() []string {
	names := make([]string, 0, len(vocabularies))
	for n := range vocabularies {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int { return placeholders[a].order - placeholders[b].order })
	return names
}

// isMapArgRune reports whether c may stand in a filter's arguments as
// the scanner reads them: the text's runes, and = , * between them.
func isMapArgRune(c rune) bool {
	return isMapTextRune(c) || c == '=' || c == ',' || c == '*'
}

// isMapTextRune reports whether c may stand in a mapped text.
func isMapTextRune(c rune) bool {
	return unicode.IsLetter(c) || unicode.IsDigit(c) || strings.ContainsRune("_-.+ ", c)
}

// checkFilterArgs checks the arguments of filter f on placeholder name;
// colon says a ":" followed the filter's name. The error is at the
// placeholder at off, written tok.
func checkFilterArgs(off int, tok string, f filter, name string, colon bool, args string) *Error {
	if f.name != "map" {
		if colon {
			return errAt(off, tok, "the filter %s takes no values", f.name)
		}
		return nil
	}
	if args == "" {
		return errAt(off, tok, "the filter map needs its values: {%s|map:VALUE=TEXT,...,*=TEXT}", name)
	}
	vocab := vocabularies[name]
	seen := map[string]bool{}
	for _, pair := range strings.Split(args, ",") {
		key, text, ok := strings.Cut(pair, "=")
		switch {
		case !ok:
			return errAt(off, tok, "%q is no VALUE=TEXT pair (the map of {%s} is VALUE=TEXT,...,*=TEXT)", pair, name)
		case key != mapDefault && !slices.Contains(vocab, key):
			return errAt(off, tok, "{%s} is never %q: its values are %s, and * stands for the others", name, key, strings.Join(vocab, ", "))
		case seen[key]:
			return errAt(off, tok, "%q is mapped twice", key)
		case strings.ContainsAny(text, "=*"):
			return errAt(off, tok, "the mapped text %q may hold only letters, digits, spaces and _ - . +", text)
		}
		seen[key] = true
	}
	return nil
}

// mapValue maps s by the pairs args, which checkFilterArgs accepted.
func mapValue(args, s string) string {
	if s == "" {
		return ""
	}
	def, hasDef := "", false
	for _, pair := range strings.Split(args, ",") {
		key, text, _ := strings.Cut(pair, "=")
		switch key {
		case s:
			return text
		case mapDefault:
			def, hasDef = text, true
		}
	}
	if hasDef {
		return def
	}
	return s
}
