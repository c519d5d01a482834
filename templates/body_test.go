package templates

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"

	"github.com/callhook/callhook/call"
)

func TestBodyRender(t *testing.T) {
	d := Sample(call.IncomingAnswer, "max", "49")
	d.Call.Caller = call.Party{Number: "+49 30 & 1", Name: "Eve \"<b>\" \\ ]]> & x\n"}
	tests := []struct {
		name, ct, src, want string
	}{
		{"json in string", "application/json", `{"n":"{caller_name}"}`, `{"n":"Eve \"\u003cb\u003e\" \\ ]]\u003e \u0026 x\n"}`},
		{"json bare string", "application/json", `{"n":{caller}}`, `{"n":"+49 30 \u0026 1"}`},
		{"json bare number", "application/json", `{"t":{time}}`, `{"t":1741944413}`},
		{"json unfillable number is null", "application/json", `{"d":{duration},"ms":{duration_ms}}`, `{"d":null,"ms":null}`},
		{"json unfillable string is empty", "application/json", `{"q":{queue},"o":"{outcome}"}`, `{"q":"","o":""}`},
		{"json number inside string", "application/json", `{"t":"{time}"}`, `{"t":"1741944413"}`},
		{"json bare placeholder as key", "application/json", `{ {callee}: 1 }`, `{ "1002": 1 }`},
		{"json in array", "application/json", `[{caller}, "{callee}", {time}]`, `["+49 30 \u0026 1", "1002", 1741944413]`},
		{"json with charset", "application/json; charset=utf-8", `"{callee}"`, `"1002"`},
		{"vendor json", "application/vnd.api+json", `{"c":{callee}}`, `{"c":"1002"}`},
		{"json escaped quote before placeholder", "application/json", `{"a":"x\"{callee}"}`, `{"a":"x\"1002"}`},
		{"json escaped backslash then placeholder", "application/json", `{"a":"x\\{callee}"}`, `{"a":"x\\1002"}`},
		{"json braces in string literal", "application/json", `{"a":"{{x}{callee}"}`, `{"a":"{x}1002"}`},
		{"form", "application/x-www-form-urlencoded", "caller={caller}&name={caller_name}", "caller=%2B49+30+%26+1&name=Eve+%22%3Cb%3E%22+%5C+%5D%5D%3E+%26+x%0A"},
		{"xml", "application/xml", "<c n=\"{caller_name}\">{caller}</c>", "<c n=\"Eve &#34;&lt;b&gt;&#34; \\ ]]&gt; &amp; x&#xA;\">+49 30 &amp; 1</c>"},
		{"text xml", "text/xml", "<c>{callee}</c>", "<c>1002</c>"},
		{"soap xml", "application/soap+xml", "<c>{caller}</c>", "<c>+49 30 &amp; 1</c>"},
		{"plain", "text/plain", "{caller_name}", "Eve \"<b>\" \\ ]]> & x\n"},
		{"no content type is plain", "", "{caller}", "+49 30 & 1"},
		{"empty json body", "application/json", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ParseBody(tt.src, tt.ct)
			if err != nil {
				t.Fatal(err)
			}
			got, err := b.Render(d)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Render = %s\nwant     %s", got, tt.want)
			}
			if strings.Contains(tt.ct, "json") && tt.src != "" && !json.Valid(got) {
				t.Errorf("invalid JSON %s", got)
			}
		})
	}
}

func TestBodyJSONRecord(t *testing.T) {
	d := Sample(call.QueueHangup, "max", "49")
	for _, src := range []string{RecordPreset, `{"event":{json},"raw":"{json}"}`} {
		b, err := ParseBody(src, "application/json")
		if err != nil {
			t.Fatal(err)
		}
		out, err := b.Render(d)
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("%s: %v", out, err)
		}
		if raw, ok := v["raw"].(string); ok && raw != string(Record(d)) {
			t.Errorf("{json} inside a string = %q, want the record as text", raw)
		}
	}
}

func TestParseBodyErrors(t *testing.T) {
	tests := []struct {
		name, ct, src, want string
	}{
		{"invalid json literal", "application/json", `{"a":1,}`, "not valid JSON"},
		{"unquoted word", "application/json", `{"a":caller}`, "not valid JSON"},
		{"two values side by side", "application/json", `{"a":{caller}{callee}}`, "not valid JSON"},
		{"number as key", "application/json", `{ {duration}: 1 }`, "not valid JSON"},
		{"placeholder quoted twice", "application/json", `{"a":"{caller}"}"`, "not valid JSON"},
		{"placeholder after backslash", "application/json", `{"a":"\{caller}"}`, "escape sequence"},
		{"placeholder inside unicode escape", "application/json", `{"a":"\u00{caller}"}`, "escape sequence"},
		{"unknown placeholder in form", "application/x-www-form-urlencoded", "a={nope}", "unknown placeholder"},
		{"bad filter in xml", "text/xml", "<a>{caller|upper}</a>", "unknown filter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBody(tt.src, tt.ct)
			if err == nil {
				t.Fatalf("ParseBody(%q) succeeded", tt.src)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestBodyKindByContentType(t *testing.T) {
	tests := []struct {
		ct   string
		want bodyKind
	}{
		{"application/json", bodyJSON},
		{"application/json; charset=utf-8", bodyJSON},
		{"APPLICATION/JSON", bodyJSON},
		{"application/json; charset", bodyJSON}, // malformed parameter
		{"text/json", bodyJSON},
		{"text/x-json", bodyJSON},
		{"application/x-json", bodyJSON},
		{"application/ld+json", bodyJSON},
		{"application/problem+json", bodyJSON},
		{"application/vnd.api+json", bodyJSON},
		{"application/merge-patch+json", bodyJSON},
		{"application/vnd.example.event.json", bodyJSON},
		{"application/x-ndjson", bodyJSONSeq},
		{"application/ndjson", bodyJSONSeq},
		{"application/jsonl", bodyJSONSeq},
		{"application/x-jsonlines", bodyJSONSeq},
		{"application/json-seq", bodyJSONSeq},
		{"application/geo+json-seq", bodyJSONSeq},
		{"application/x-www-form-urlencoded", bodyForm},
		{"application/x-www-form-urlencoded; charset=utf-8", bodyForm},
		{"application/xml", bodyXML},
		{"text/xml", bodyXML},
		{"text/xml; charset=utf-8", bodyXML},
		{"application/soap+xml", bodyXML},
		{"application/atom+xml", bodyXML},
		{"application/xhtml+xml", bodyXML},
		{"application/x-xml", bodyXML},
		{"text/plain", bodyPlain},
		{"text/csv", bodyPlain},
		{"text/html", bodyPlain},
		{"multipart/form-data", bodyPlain},
		{"application/octet-stream", bodyPlain},
		{"application/json5", bodyPlain},
		{"json", bodyPlain},
		{"", bodyPlain},
	}
	for _, tt := range tests {
		t.Run(tt.ct, func(t *testing.T) {
			if got := kindOf(tt.ct); got != tt.want {
				t.Errorf("kindOf(%q) = %d, want %d", tt.ct, got, tt.want)
			}
		})
	}
}

// A display name built to break out of its string adds no field, element
// or parameter, whichever type of a family the hook declares.
func TestHostileNamePerFamily(t *testing.T) {
	d := Sample(call.IncomingRing, "max", "49")
	const name = `x","admin":true,"y":"` + "\n{\"admin\":true}\n" + `</n><admin>true</admin><n>&admin=true`
	d.Call.Caller.Name = name
	jsonTypes := []string{"application/json", "text/json", "text/x-json", "application/x-json",
		"application/ld+json", "application/vnd.api+json", "application/problem+json"}
	seqTypes := []string{"application/x-ndjson", "application/jsonl", "application/json-seq"}
	xmlTypes := []string{"application/xml", "text/xml", "application/soap+xml", "application/atom+xml"}
	render := func(t *testing.T, src, ct string) []byte {
		t.Helper()
		b, err := ParseBody(src, ct)
		if err != nil {
			t.Fatal(err)
		}
		out, err := b.Render(d)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, ct := range jsonTypes {
		t.Run(ct, func(t *testing.T) {
			out := render(t, `{"name":"{remote_name}","bare":{remote_name}}`, ct)
			var v map[string]any
			if err := json.Unmarshal(out, &v); err != nil {
				t.Fatalf("%s: %v", out, err)
			}
			if len(v) != 2 || v["name"] != name || v["bare"] != name {
				t.Errorf("body %s decodes to %v, want the name as data in its two fields", out, v)
			}
		})
	}
	for _, ct := range seqTypes {
		t.Run(ct, func(t *testing.T) {
			out := render(t, "\x1e{\"name\":\"{remote_name}\"}\n\x1e{\"bare\":{remote_name}}\n", ct)
			if n := bytes.Count(out, []byte("\n")); n != 2 {
				t.Errorf("body %q has %d lines, want the template's 2", out, n)
			}
			dec := json.NewDecoder(bytes.NewReader(bytes.ReplaceAll(out, []byte{0x1e}, []byte{' '})))
			var got []map[string]any
			for dec.More() {
				var v map[string]any
				if err := dec.Decode(&v); err != nil {
					t.Fatalf("%q: %v", out, err)
				}
				got = append(got, v)
			}
			if len(got) != 2 || len(got[0]) != 1 || got[0]["name"] != name || len(got[1]) != 1 || got[1]["bare"] != name {
				t.Errorf("body %q decodes to %v, want two records holding the name", out, got)
			}
		})
	}
	for _, ct := range xmlTypes {
		t.Run(ct, func(t *testing.T) {
			out := render(t, `<c><n>{remote_name}</n></c>`, ct)
			var v struct {
				N     string   `xml:"n"`
				Admin []string `xml:"admin"`
			}
			if err := xml.Unmarshal(out, &v); err != nil {
				t.Fatalf("%s: %v", out, err)
			}
			if len(v.Admin) != 0 || v.N != name {
				t.Errorf("body %s decodes to %+v, want the name as the text of <n>", out, v)
			}
		})
	}
	t.Run("form", func(t *testing.T) {
		out := render(t, "name={remote_name}&x=1", "application/x-www-form-urlencoded")
		q, err := url.ParseQuery(string(out))
		if err != nil {
			t.Fatal(err)
		}
		if len(q) != 2 || q.Get("name") != name {
			t.Errorf("body %s decodes to %v, want name and x", out, q)
		}
	})
}

func TestParseBodyJSONSeqErrors(t *testing.T) {
	for _, src := range []string{"{\"a\":1}\n{\"b\":", "{\"a\":{caller}{callee}}\n", "{\"a\":1}\nnope\n"} {
		if _, err := ParseBody(src, "application/x-ndjson"); err == nil || !strings.Contains(err.Error(), "not valid JSON") {
			t.Errorf("ParseBody(%q) = %v, want a JSON error", src, err)
		}
	}
}

func TestBodyUnescaped(t *testing.T) {
	tests := []struct {
		name, ct, src string
		want          []string
	}{
		{"json escapes", "text/json", `{"n":"{caller_name}"}`, nil},
		{"form escapes", "application/x-www-form-urlencoded", "n={caller}", nil},
		{"xml escapes", "application/atom+xml", "<n>{caller}</n>", nil},
		{"plain caller data", "text/plain", "{caller} {remote_name} {caller} {user} {header.X-Foo} {call_id}",
			[]string{"{caller}", "{remote_name}", "{header.X-Foo}", "{call_id}"}},
		{"csv", "text/csv", "{remote},{callee},{callee_name},{json}", []string{"{remote}", "{callee}", "{callee_name}", "{json}"}},
		{"filtered is digits only", "text/plain", "{remote|e164} {caller|digits}", nil},
		{"config data only", "text/plain", "{user} {queue} {trigger} {duration} {time} {start} {outcome} {direction}", nil},
		{"secret is not the caller's", "text/plain", "key={secret.k}", nil},
		{"unknown type", "application/octet-stream", "{caller}", []string{"{caller}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ParseBody(tt.src, tt.ct)
			if err != nil {
				t.Fatal(err)
			}
			if got := b.Unescaped(); strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("Unescaped = %q, want %q", got, tt.want)
			}
		})
	}
}
