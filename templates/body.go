package templates

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"

	"github.com/callhook/callhook/call"
)

// bodyKind is the escaping a body's content type calls for.
type bodyKind int

const (
	bodyPlain   bodyKind = iota // no escaping known: the text goes out raw
	bodyJSON                    // one JSON value
	bodyJSONSeq                 // a sequence of JSON values (NDJSON, JSON text sequences)
	bodyForm
	bodyXML
)

// kindOf maps a Content-Type to its escaping. Every type of the JSON
// family is JSON (application/json, text/json, application/x-json,
// *+json, *.json, NDJSON, JSON Lines, json-seq); of the XML family XML
// (application/xml, text/xml, *+xml, xml-*). The check is on the media
// type's subtype whatever its top-level type: a receiver that sees
// "json" parses JSON.
func kindOf(contentType string) bodyKind {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		// A malformed parameter must not turn off the escaping: the
		// receiver still reads the type before the ";".
		mt, _, _ = strings.Cut(contentType, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	_, sub, ok := strings.Cut(mt, "/")
	if !ok {
		return bodyPlain
	}
	name := strings.TrimPrefix(sub, "x-")
	switch {
	case name == "ndjson" || name == "jsonl" || name == "jsonlines" || name == "json-lines" ||
		name == "json-seq" || strings.HasSuffix(sub, "+json-seq") || name == "json-stream":
		return bodyJSONSeq
	case name == "json" || strings.HasSuffix(sub, "+json") || strings.HasSuffix(sub, ".json") ||
		strings.HasSuffix(sub, "-json"):
		return bodyJSON
	case sub == "x-www-form-urlencoded":
		return bodyForm
	case name == "xml" || strings.HasSuffix(sub, "+xml") || strings.HasPrefix(name, "xml-"):
		return bodyXML
	}
	return bodyPlain
}

// Body is a parsed request body template whose escaping follows its
// content type: the JSON family -> JSON, form-urlencoded -> form, the XML
// family -> XML (see kindOf). Any other type has no escaping, and the
// caller's text goes out as sent: Unescaped names what is at risk.
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
	if !b.isJSON() || src == "" {
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
		if err := checkJSON(t, []byte(out), starts, b.kind == bodyJSONSeq); err != nil {
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
// in the template: starts holds where each part begins in out. seq
// accepts a sequence of values (NDJSON, or RFC 7464 records each after
// an RS).
func checkJSON(t *Template, out []byte, starts []int, seq bool) error {
	var err error
	if seq {
		err = checkJSONSeq(out)
	} else {
		var v any
		err = json.Unmarshal(out, &v)
	}
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

// checkJSONSeq checks that out is JSON values one after the other. RS,
// the record separator of RFC 7464, counts as white space.
func checkJSONSeq(out []byte) error {
	out = bytes.ReplaceAll(out, []byte{0x1e}, []byte{' '}) // same length: offsets hold
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var v json.RawMessage
		if err := dec.Decode(&v); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// Template returns the underlying template.
func (b *Body) Template() *Template { return b.t }

// Render renders the body; a JSON body is always valid JSON.
func (b *Body) Render(d Data) ([]byte, error) {
	s, err := b.t.render(&d, b.escape, nil)
	return []byte(s), err
}

func (b *Body) isJSON() bool { return b.kind == bodyJSON || b.kind == bodyJSONSeq }

func (b *Body) escape(i int, v value) string {
	switch b.kind {
	case bodyJSON, bodyJSONSeq:
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

// callerControlled are the placeholders whose text the caller (or the
// caller's PBX) chooses: numbers and names from SIP headers, the SIP
// Call-ID, any SIP header, and the record that holds them.
var callerControlled = map[string]bool{
	"caller": true, "callee": true, "remote": true, "remote_name": true,
	"caller_name": true, "callee_name": true, "call_id": true,
	"header": true, "json": true,
}

// Escaped reports whether the body's content type has an escaping.
func (b *Body) Escaped() bool { return b.kind != bodyPlain }

// Unescaped returns, for a body whose content type has no escaping, the
// caller-controlled placeholders it holds, as written and each once: the
// caller's text reaches the receiver raw there and can change what the
// body says. The filters e164 and digits leave only digits and "+", so a
// placeholder with one is safe. An escaped body returns nothing.
func (b *Body) Unescaped() []string {
	if b.Escaped() {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, p := range b.t.parts {
		if !p.isRef || !callerControlled[p.ref.Name] || p.ref.Filter != "" {
			continue
		}
		if tok := p.ref.Token(); !seen[tok] {
			seen[tok] = true
			out = append(out, tok)
		}
	}
	return out
}
