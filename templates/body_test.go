package templates

import (
	"encoding/json"
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
