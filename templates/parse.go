package templates

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Template is a parsed placeholder template.
type Template struct {
	src   string
	parts []part
}

// part is a literal run of text or one placeholder.
type part struct {
	lit   string // literal text, "{{" already unescaped
	ref   Ref
	isRef bool
	off   int // byte offset of the part in the source
}

// Ref is one placeholder occurrence: {name}, {header.Arg}, {secret.Arg},
// {name|filter}, {name|map:VALUE=TEXT,...}.
type Ref struct {
	Name   string // "caller", "header", "secret", "json", ...
	Arg    string // header or secret name, for header/secret
	Filter string // "", or a filter's name: "e164", "digits", "mmss", "map", ...
	// FilterArgs is what follows the filter's ":" as written, for map
	// its pairs: "answered=connected,*=no_answer".
	FilterArgs string
}

// Token returns the placeholder as written: "{remote|e164}",
// "{outcome|map:answered=connected,*=no_answer}".
func (r Ref) Token() string {
	s := r.Name
	if r.Arg != "" {
		s += "." + r.Arg
	}
	if r.Filter != "" {
		s += "|" + r.Filter
	}
	if r.FilterArgs != "" {
		s += ":" + r.FilterArgs
	}
	return "{" + s + "}"
}

// Error is a template error at a byte offset of the source.
type Error struct {
	Offset int
	Token  string // the placeholder, when the error is about one
	Msg    string
}

func (e *Error) Error() string {
	if e.Token != "" {
		return fmt.Sprintf("%s at offset %d: %s", e.Token, e.Offset, e.Msg)
	}
	return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg)
}

func errAt(off int, token, format string, args ...any) *Error {
	return &Error{Offset: off, Token: token, Msg: fmt.Sprintf(format, args...)}
}

// Parse parses src once. Errors name the offending placeholder and its
// byte offset: unknown placeholder, unknown filter, unclosed brace.
func Parse(src string) (*Template, error) {
	t := &Template{src: src}
	var lit strings.Builder
	litOff := 0
	flush := func(next int) {
		if lit.Len() > 0 {
			t.parts = append(t.parts, part{lit: lit.String(), off: litOff})
			lit.Reset()
		}
		litOff = next
	}
	for i := 0; i < len(src); {
		if src[i] != '{' {
			lit.WriteByte(src[i])
			i++
			continue
		}
		if i+1 < len(src) && src[i+1] == '{' {
			lit.WriteByte('{')
			i += 2
			continue
		}
		ref, n, err := scanRef(src, i)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			lit.WriteByte('{')
			i++
			continue
		}
		flush(i)
		t.parts = append(t.parts, part{ref: ref, isRef: true, off: i})
		i += n
		litOff = i
	}
	flush(len(src))
	return t, nil
}

// scanRef reads a placeholder at src[i] == '{'. It returns n == 0 when the
// brace is literal text: anything not shaped like
// {name(.arg)?(|filter(:args)?)?} whose name is not a placeholder name.
func scanRef(src string, i int) (Ref, int, error) {
	j := i + 1
	for j < len(src) && (isLower(src[j]) || isUpper(src[j]) || src[j] == '_') {
		j++
	}
	name := src[i+1 : j]
	if name == "" {
		return Ref{}, 0, nil
	}
	var r Ref
	r.Name = name
	closed, dot, bar := false, false, false
	if j < len(src) && src[j] == '.' {
		dot = true
		k := j + 1
		for k < len(src) && isArgByte(src[k]) {
			k++
		}
		r.Arg = src[j+1 : k]
		j = k
	}
	if j < len(src) && src[j] == '|' {
		bar = true
		k := j + 1
		for k < len(src) && (isLower(src[k]) || isDigit(src[k])) {
			k++
		}
		r.Filter = src[j+1 : k]
		j = k
	}
	// A filter's arguments ({outcome|map:answered=connected}) are read
	// only after a placeholder's name, so that text such as CSS after an
	// unknown word stays literal.
	colon := false
	if _, known := placeholders[name]; known && bar && j < len(src) && src[j] == ':' {
		colon = true
		k := j + 1
		for k < len(src) {
			c, n := utf8.DecodeRuneInString(src[k:])
			if !isMapArgRune(c) {
				break
			}
			k += n
		}
		r.FilterArgs = src[j+1 : k]
		j = k
	}
	if j < len(src) && src[j] == '}' {
		closed = true
		j++
	}
	lower := strings.ToLower(name)
	_, known := placeholders[lower]
	if !known {
		strict := closed && (!dot || r.Arg != "") && (!bar || r.Filter != "")
		if strict && lower == name {
			return Ref{}, 0, errAt(i, src[i:j], "unknown placeholder (write {{ for a literal brace)")
		}
		return Ref{}, 0, nil
	}
	if lower != name {
		if closed {
			return Ref{}, 0, errAt(i, src[i:j], "placeholder names are lower case: write {%s}", lower+src[i+1+len(name):j-1])
		}
		return Ref{}, 0, nil
	}
	if !closed {
		if j < len(src) {
			_, n := utf8.DecodeRuneInString(src[j:])
			if colon {
				return Ref{}, 0, errAt(i, src[i:j+n], "unexpected %q in the filter's values: a mapped text holds only letters, digits, spaces and _ - . +", src[j:j+n])
			}
			return Ref{}, 0, errAt(i, src[i:j+n], "unexpected %q in placeholder (write {{ for a literal brace)", src[j:j+n])
		}
		return Ref{}, 0, errAt(i, src[i:j], "placeholder is not closed with } (write {{ for a literal brace)")
	}
	tok := src[i:j]
	info := placeholders[name]
	switch {
	case info.arg && r.Arg == "":
		return Ref{}, 0, errAt(i, tok, "needs a name: {%s.NAME}", name)
	case !info.arg && dot:
		return Ref{}, 0, errAt(i, tok, "{%s} takes no argument", name)
	case bar && r.Filter == "":
		return Ref{}, 0, errAt(i, tok, "empty filter (known filters: %s)", filterNames())
	}
	if r.Filter != "" {
		f, ok := lookupFilter(r.Filter)
		switch {
		case !ok:
			return Ref{}, 0, errAt(i, tok, "unknown filter %q (known filters: %s)", r.Filter, filterNames())
		case !takesFilter(name):
			return Ref{}, 0, errAt(i, tok, "{%s} takes no filter", name)
		case !f.applies(name) && f.on == nil:
			return Ref{}, 0, errAt(i, tok, "the filter %s applies to text placeholders only, not to {%s}", f.name, name)
		case !f.applies(name):
			return Ref{}, 0, errAt(i, tok, "the filter %s applies only to %s, not to {%s}", f.name, tokens(f.on), name)
		}
		if err := checkFilterArgs(i, tok, f, name, colon, r.FilterArgs); err != nil {
			return Ref{}, 0, err
		}
	}
	return r, j - i, nil
}

// tokens writes names as placeholders: "{start}, {answer}, {end}".
func tokens(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "{" + n + "}"
	}
	return strings.Join(out, ", ")
}

// Refs lists the placeholders of t in order.
func (t *Template) Refs() []Ref {
	var refs []Ref
	for _, p := range t.parts {
		if p.isRef {
			refs = append(refs, p.ref)
		}
	}
	return refs
}

// String returns the source text.
func (t *Template) String() string { return t.src }

func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isArgByte(c byte) bool {
	return isLower(c) || isUpper(c) || isDigit(c) || c == '_' || c == '-'
}
