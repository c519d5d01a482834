package templates

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"strings"

	"github.com/callhook/callhook/call"
)

// bodyKind is the escaping a body's content type calls for.
type bodyKind int

const (
	bodyPlain bodyKind = iota
	bodyJSON
	bodyForm
	bodyXML
)

// kindOf maps a Content-Type to its escaping.
func kindOf(contentType string) bodyKind {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(contentType))
	}
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return bodyJSON
	case mt == "application/x-www-form-urlencoded":
		return bodyForm
	case mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml"):
		return bodyXML
	}
	return bodyPlain
}

// Body is a parsed request body template whose escaping follows its
// content type: application/json (and +json) -> JSON, form-urlencoded ->
// form, application/xml, text/xml (and +xml) -> XML, else plain.
type Body struct {
	t    *Template
	kind bodyKind
	// inString marks, per part of a JSON template, placeholders standing
	// inside a JSON string literal; the others stand for a whole value.
	inString []bool
}

// ParseBody parses a body template for a content type. For JSON it checks
// that the template renders to valid JSON with sample data. An empty
// template is an empty body, whatever the content type.
func ParseBody(src, contentType string) (*Body, error) {
	t, err := Parse(src)
	if err != nil {
		return nil, err
	}
	b := &Body{t: t, kind: kindOf(contentType)}
	if b.kind != bodyJSON || src == "" {
		return b, nil
	}
	if b.inString, err = jsonContexts(t); err != nil {
		return nil, err
	}
	// Bare placeholders render as complete JSON values whatever the data,
	// so rendering a full and an empty call proves every rendering valid.
	full := Sample(call.IncomingHangup, "sample", "49")
	full.Trigger = ""
	empty := Data{Trigger: call.IncomingRing, Secret: func(string) (string, error) { return "", nil }}
	for _, d := range []Data{full, empty} {
		var starts []int
		out, err := t.render(&d, func(i int, v value) string { return b.escape(i, v) }, &starts)
		if err != nil {
			return nil, err
		}
		if err := checkJSON(t, []byte(out), starts); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// jsonContexts lexes the literal text of a JSON template just enough to
// know whether each placeholder stands inside a string literal.
func jsonContexts(t *Template) ([]bool, error) {
	in := make([]bool, len(t.parts))
	inStr := false
	esc := 0 // bytes still belonging to an escape sequence
	for i, p := range t.parts {
		if p.isRef {
			if esc > 0 {
				return nil, errAt(p.off, p.ref.Token(), "placeholder inside a JSON escape sequence")
			}
			in[i] = inStr
			continue
		}
		for j := 0; j < len(p.lit); j++ {
			c := p.lit[j]
			switch {
			case esc > 0:
				esc--
				if esc == 0 && c == 'u' {
					esc = 4
				}
			case !inStr:
				inStr = c == '"'
			case c == '\\':
				esc = 1
			case c == '"':
				inStr = false
			}
		}
	}
	return in, nil
}

// checkJSON reports where a rendered body stops being JSON, as an offset
// in the template: starts holds where each part begins in out.
func checkJSON(t *Template, out []byte, starts []int) error {
	var v any
	err := json.Unmarshal(out, &v)
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return fmt.Errorf("not valid JSON: %w", err)
	}
	pos := int(se.Offset) - 1 // the offending byte
	off := len(t.src)
	for i := len(starts) - 1; i >= 0; i-- {
		if pos >= starts[i] {
			p := t.parts[i]
			off = p.off
			if !p.isRef {
				off += min(pos-starts[i], len(p.lit))
			}
			break
		}
	}
	return &Error{Offset: off, Msg: "not valid JSON (rendered with sample data: " + se.Error() + ")"}
}

// Template returns the underlying template.
func (b *Body) Template() *Template { return b.t }

// Render renders the body; a JSON body is always valid JSON.
func (b *Body) Render(d Data) ([]byte, error) {
	s, err := b.t.render(&d, b.escape, nil)
	return []byte(s), err
}

func (b *Body) escape(i int, v value) string {
	switch b.kind {
	case bodyJSON:
		if b.inString[i] {
			return escapeJSONString(v.s)
		}
		return jsonValue(v)
	case bodyForm:
		return escapeForm(v.s)
	case bodyXML:
		return escapeXML(v.s)
	}
	return v.s
}

// jsonValue writes v where a whole JSON value stands: numbers as numbers,
// the call record as an object, the rest as strings. An empty number is
// null; an empty string is "" so that it stays valid even as a key.
func jsonValue(v value) string {
	switch v.kind {
	case kindNumber:
		if v.empty {
			return "null"
		}
		return v.s
	case kindObject:
		return v.s
	}
	return quoteJSON(v.s)
}
