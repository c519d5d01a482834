package templates

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		src  string
		refs []Ref
		lit  string // Render of a call with no data: the literal text
	}{
		{"plain text", "hello", nil, "hello"},
		{"one placeholder", "x{caller}y", []Ref{{Name: "caller"}}, "xy"},
		{"filter", "{remote|e164}", []Ref{{Name: "remote", Filter: "e164"}}, ""},
		{"header arg", "{header.X-Queue}", []Ref{{Name: "header", Arg: "X-Queue"}}, ""},
		{"secret arg", "Bearer {secret.crm_token-2}", []Ref{{Name: "secret", Arg: "crm_token-2"}}, "Bearer "},
		{"header arg with filter", "{header.P-Asserted|digits}", []Ref{{Name: "header", Arg: "P-Asserted", Filter: "digits"}}, ""},
		{"json object braces are literal", `{"a":"{caller}"}`, []Ref{{Name: "caller"}}, `{"a":""}`},
		{"nested json closes", `{"a":{"b":1}}`, nil, `{"a":{"b":1}}`},
		{"double brace is a literal brace", "{{caller}", nil, "{caller}"},
		{"double brace then placeholder", "{{{caller}}", []Ref{{Name: "caller"}}, "{}"},
		{"unknown capitalised word is literal", "{Foo}", nil, "{Foo}"},
		{"unclosed unknown name is literal", "{color: red}", nil, "{color: red}"},
		{"lone brace", "{", nil, "{"},
		{"brace at end after text", "a{", nil, "a{"},
		{"empty braces", "{}", nil, "{}"},
		{"unknown name with empty arg is literal", "{foo.}", nil, "{foo.}"},
		{"closing brace alone", "}", nil, "}"},
		{"placeholders back to back", "{caller}{callee}", []Ref{{Name: "caller"}, {Name: "callee"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl, err := Parse(tt.src)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.src, err)
			}
			if got := tpl.Refs(); !reflect.DeepEqual(got, tt.refs) {
				t.Errorf("Refs = %#v, want %#v", got, tt.refs)
			}
			if tpl.String() != tt.src {
				t.Errorf("String = %q, want the source", tpl.String())
			}
			got, err := tpl.Render(Data{Secret: func(string) (string, error) { return "", nil }})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.lit {
				t.Errorf("Render = %q, want %q", got, tt.lit)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		offset int
		want   string
	}{
		{"unknown placeholder", "ab{calller}", 2, "{calller} at offset 2: unknown placeholder"},
		{"unknown placeholder with arg", "{foo.bar}", 0, "unknown placeholder"},
		{"unknown filter", "x {remote|e165}", 2, `unknown filter "e165"`},
		{"empty filter", "{remote|}", 0, "empty filter"},
		{"unclosed known name", "tel:{caller", 4, "not closed"},
		{"known name with space", "{caller }", 0, `{caller  at offset 0: unexpected " " in placeholder`},
		{"upper-case filter", "{remote|E164}", 0, `unexpected "E"`},
		{"known name at end", "x{end", 1, "not closed"},
		{"capitalised known name", "{Caller}", 0, "write {caller}"},
		{"header without name", "{header}", 0, "needs a name"},
		{"secret with empty name", "{secret.}", 0, "needs a name"},
		{"argument on plain name", "{caller.x}", 0, "takes no argument"},
		{"filter on json", "{json|digits}", 0, "takes no filter"},
		{"filter on number", "{duration|e164}", 0, "the filter e164 applies to text placeholders only, not to {duration}"},
		{"filter on a number that takes none", "{duration_ms|digits}", 0, "{duration_ms} takes no filter"},
		{"second placeholder bad", "{caller} {nope}", 9, "{nope}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.src)
			if err == nil {
				t.Fatalf("Parse(%q) succeeded, want error", tt.src)
			}
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("error %T is not *Error", err)
			}
			if te.Offset != tt.offset {
				t.Errorf("offset = %d, want %d (%v)", te.Offset, tt.offset, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "{caller}", `{"a":"{caller}"}`, "{{", "{remote|e164}", "{header.X}", "{secret.", "{Caller}",
		"{outcome|map:answered=connected,busy=busy,*=no_answer}", "{trigger|map:queue.hangup=Q Ä,*=}", "{outcome|map:answerd=x}",
		`{"o":"{outcome|map:answered=a"}`, "{direction|map:in=a,in=b}", "{color|x: red}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		tpl, err := Parse(src)
		if err != nil {
			var te *Error
			if !errors.As(err, &te) || te.Offset < 0 || te.Offset > len(src) {
				t.Fatalf("bad error %v", err)
			}
			return
		}
		// Every placeholder's Token is its source text.
		for _, p := range tpl.parts {
			if tok := p.ref.Token(); p.isRef && !strings.HasPrefix(src[p.off:], tok) {
				t.Fatalf("%q: placeholder at %d has Token %q", src, p.off, tok)
			}
		}
		// Rendering with no data never fails without secrets, and a
		// template without placeholders renders as its unescaped self.
		if _, err := tpl.Render(Sample("", "u", "49")); err != nil {
			t.Fatal(err)
		}
		if len(tpl.Refs()) == 0 {
			got, _ := tpl.Render(Data{})
			if got != strings.ReplaceAll(src, "{{", "{") {
				t.Fatalf("literal %q rendered %q", src, got)
			}
		}
	})
}
