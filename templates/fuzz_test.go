package templates

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/callhook/callhook/call"
)

func FuzzRenderURL(f *testing.F) {
	for _, s := range hostile[:20] {
		f.Add(s, s)
	}
	f.Add("0301234", "Erika Mustermann")
	u, err := ParseURL("https://crm.example.com/api/{remote|e164}/v/{remote_name}?name={remote_name}&num={caller}&d={caller|digits}#x={caller}")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, number, name string) {
		d := Sample(call.IncomingAnswer, "max", "49")
		d.Call.Caller = call.Party{Number: number, Name: name}
		out, err := u.Render(d)
		if err != nil {
			t.Fatal(err)
		}
		got, err := url.Parse(out)
		if err != nil {
			t.Fatalf("%q does not parse: %v", out, err)
		}
		if got.Scheme != "https" || got.Host != "crm.example.com" {
			t.Fatalf("%q: scheme/host changed", out)
		}
		if n := strings.Count(got.EscapedPath(), "/"); n != 4 {
			t.Fatalf("%q: %d path separators, want 4", out, n)
		}
		q, err := url.ParseQuery(got.RawQuery)
		if err != nil {
			t.Fatalf("%q: query: %v", out, err)
		}
		if q.Get("name") != name || q.Get("num") != number || len(q) != 3 {
			t.Fatalf("%q: query %v", out, q)
		}
	})
}

func FuzzRenderJSON(f *testing.F) {
	for _, s := range hostile[:20] {
		f.Add(s, s, s)
	}
	b, err := ParseBody(`{"caller":"{caller}","name":{caller_name},"hdr":"x {header.X-H} y","e":{caller|e164},"d":{duration},"rec":{json}}`, "application/json")
	if err != nil {
		f.Fatal(err)
	}
	keys := []string{"caller", "d", "e", "hdr", "name", "rec"}
	f.Fuzz(func(t *testing.T, number, name, header string) {
		d := Sample(call.IncomingHangup, "max", "49")
		d.Call.Caller = call.Party{Number: number, Name: name}
		d.Call.Headers = map[string]string{"x-h": header}
		out, err := b.Render(d)
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(out) {
			t.Fatalf("invalid JSON: %s", out)
		}
		var v map[string]any
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatal(err)
		}
		var got []string
		for k := range v {
			got = append(got, k)
		}
		slices.Sort(got)
		if !slices.Equal(got, keys) {
			t.Fatalf("keys %v, want %v", got, keys)
		}
		if v["caller"] != validUTF8(number) || v["name"] != validUTF8(name) {
			t.Fatalf("values changed: %v", v)
		}
	})
}

// FuzzParseBodyJSON fuzzes the template itself: whatever JSON template
// ParseBody accepts renders to valid JSON for every trigger and any
// caller data. This is the promise {Body.Render} makes.
func FuzzParseBodyJSON(f *testing.F) {
	for _, s := range []string{`{"a":"{caller}"}`, `{"a":{duration}}`, `[{json},{time},"{remote_name}"]`, `{ {callee}: {queue} }`, `"\\{caller}"`, `{"a":"\u00{caller}"}`, `{"a":-{duration}}`, `{"o":{outcome|map:answered=a b,*=c},"d":"{direction|map:in=x}"}`} {
		f.Add(s, "0301234\"\\<&>")
	}
	f.Fuzz(func(t *testing.T, src, value string) {
		b, err := ParseBody(src, "application/json")
		if err != nil || src == "" {
			return
		}
		for _, tr := range append(call.Triggers(), "") {
			d := Sample(tr, value, "49")
			d.Call.Caller = call.Party{Number: value, Name: value}
			d.Call.Queue = value
			d.Call.Headers = map[string]string{"x": value}
			out, err := b.Render(d)
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(out) {
				t.Fatalf("template %q with %q on %q renders invalid JSON %s", src, value, tr, out)
			}
		}
		// A call with nothing known yet, not even its start time.
		out, err := b.Render(Data{Trigger: call.OutgoingStart, Secret: func(string) (string, error) { return value, nil }})
		if err != nil || !json.Valid(out) {
			t.Fatalf("template %q renders %s, %v for an empty call", src, out, err)
		}
	})
}
