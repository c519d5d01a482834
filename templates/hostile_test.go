package templates

import (
	"encoding/json"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"
	"unicode"

	"github.com/callhook/callhook/call"
)

// hostile are caller ids and display names an attacker can put into an
// INVITE. None may change what is requested or break a body's structure.
var hostile = []string{
	"&admin=1",
	"#fragment",
	"a/b/c",
	"%2F..%2F",
	`"quoted"`,
	`'single'`,
	`back\slash\`,
	"line\r\nX-Injected: 1",
	"$(rm -rf ~)",
	"`id`",
	"\u202eevil\u202c",
	"😀☎️ Ünïcödé",
	"nul\x00byte",
	strings.Repeat("A", 4000),
	"javascript:alert(1)",
	"https://evil.example/x?y=1",
	"../../etc/passwd",
	"..",
	"{caller}",
	"{{json}}",
	"<script>alert(1)</script>",
	"]]><x/>",
	"a=b&c=d;e=f",
	"+4930123456",
	"   ",
	"",
	"\xff\xfe invalid utf8",
	"?q=1#x",
	"@evil.example",
	"user:pass@evil.example",
	"\\\\evil.example\\share",
	"\u2028\u2029",
	"\t\v\f\b",
	`{"a":1}`,
	"null",
	"0",
}

// hostileData puts s everywhere a network party controls.
func hostileData(s string) Data {
	d := Sample(call.QueueHangup, "max", "49")
	d.Call.Caller = call.Party{Number: s, Name: s}
	d.Call.Callee.Name = s
	d.Call.Queue = s
	d.Call.Headers = map[string]string{"x-h": s}
	d.Call.ID = s
	return d
}

func TestHostileURL(t *testing.T) {
	if len(hostile) < 25 {
		t.Fatalf("only %d hostile inputs", len(hostile))
	}
	u, err := ParseURL("https://user:{caller}@crm.example.com:8443/c/{caller}/x{caller_name}.json?n={remote_name}&h={header.X-H}&e={caller|e164}&d={caller|digits}&j={json}#f={caller}")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range hostile {
		t.Run(label(s), func(t *testing.T) {
			out, err := u.Render(hostileData(s))
			if err != nil {
				t.Fatal(err)
			}
			got, err := url.Parse(out)
			if err != nil {
				t.Fatalf("rendered URL does not parse: %v", err)
			}
			if got.Scheme != "https" || got.Host != "crm.example.com:8443" {
				t.Fatalf("scheme/host changed: %s", out)
			}
			segs := strings.Split(got.EscapedPath(), "/")
			if len(segs) != 4 || segs[1] != "c" || !strings.HasSuffix(segs[3], ".json") {
				t.Fatalf("path changed: %q", got.EscapedPath())
			}
			if seg, _ := url.PathUnescape(segs[2]); seg != s {
				t.Errorf("path segment decodes to %q", seg)
			}
			q, err := url.ParseQuery(got.RawQuery)
			if err != nil {
				t.Fatalf("query does not parse: %v", err)
			}
			if keys := sortedQueryKeys(q); keys != "d,e,h,j,n" {
				t.Fatalf("query keys %s", keys)
			}
			if q.Get("n") != s || q.Get("h") != s {
				t.Errorf("query values %q %q, want %q", q.Get("n"), q.Get("h"), s)
			}
			if pw, _ := got.User.Password(); got.User.Username() != "user" || pw != s {
				t.Errorf("userinfo %v", got.User)
			}
			if frag := got.Fragment; frag != "f="+s {
				t.Errorf("fragment %q", frag)
			}
		})
	}
}

func TestHostileJSON(t *testing.T) {
	b, err := ParseBody(`{"caller":"{caller}","name":{remote_name},"q":{queue},"h":"{header.X-H}","d":{duration},"rec":{json},"s":"pre {caller_name} post"}`, "application/json")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range hostile {
		t.Run(label(s), func(t *testing.T) {
			d := hostileData(s)
			out, err := b.Render(d)
			if err != nil {
				t.Fatal(err)
			}
			var v map[string]any
			if err := json.Unmarshal(out, &v); err != nil {
				t.Fatalf("invalid JSON: %v", err)
			}
			if len(v) != 7 {
				t.Fatalf("keys changed: %v", v)
			}
			want := validUTF8(s)
			for _, k := range []string{"caller", "name", "q", "h"} {
				if v[k] != want {
					t.Errorf("%s = %q, want %q", k, v[k], want)
				}
			}
			if v["s"] != "pre "+want+" post" {
				t.Errorf("s = %q", v["s"])
			}
			rec, _ := v["rec"].(map[string]any)
			if c, _ := rec["call"].(map[string]any); c["id"] != want {
				t.Errorf("record call id %v", c["id"])
			}
		})
	}
}

func TestHostileFormXMLHeaderPlain(t *testing.T) {
	form, err := ParseBody("a={caller}&b={remote_name}&c=1", "application/x-www-form-urlencoded")
	if err != nil {
		t.Fatal(err)
	}
	xmlBody, err := ParseBody(`<call from="{caller}"><name>{remote_name}</name></call>`, "application/xml")
	if err != nil {
		t.Fatal(err)
	}
	header, err := Parse("Agent {user} for {remote_name}")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Parse("{caller}")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range hostile {
		t.Run(label(s), func(t *testing.T) {
			d := hostileData(s)
			out, err := form.Render(d)
			if err != nil {
				t.Fatal(err)
			}
			q, err := url.ParseQuery(string(out))
			if err != nil || sortedQueryKeys(q) != "a,b,c" || q.Get("a") != s || q.Get("c") != "1" {
				t.Errorf("form %s: %v %v", out, q, err)
			}

			out, err = xmlBody.Render(d)
			if err != nil {
				t.Fatal(err)
			}
			var x struct {
				XMLName xml.Name `xml:"call"`
				From    string   `xml:"from,attr"`
				Name    string   `xml:"name"`
				Extra   []string `xml:",any"`
			}
			if err := xml.Unmarshal(out, &x); err != nil {
				t.Fatalf("xml %s: %v", out, err)
			}
			if len(x.Extra) != 0 || x.Name != xmlText(s) || x.From != xmlText(s) {
				t.Errorf("xml name %q from %q, want %q", x.Name, x.From, xmlText(s))
			}

			h, err := header.RenderHeader(d)
			if err != nil {
				t.Fatal(err)
			}
			if strings.ContainsFunc(h, unicode.IsControl) || !strings.HasPrefix(h, "Agent max for ") {
				t.Errorf("header %q", h)
			}

			p, err := plain.Render(d)
			if err != nil || p != s {
				t.Errorf("plain %q, %v", p, err)
			}
		})
	}
}

// xmlText is what an XML parser reads back from escapeXML(s): characters
// XML cannot carry became U+FFFD (CR survives as &#xD;).
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r != 0xFFFE && r != 0xFFFF && r != unicode.ReplacementChar {
			return r
		}
		return unicode.ReplacementChar
	}, validUTF8(s))
}

// validUTF8 replaces each invalid byte by U+FFFD, as encoding/json does.
func validUTF8(s string) string { return strings.Map(func(r rune) rune { return r }, s) }

func sortedQueryKeys(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slicesSort(keys)
	return strings.Join(keys, ",")
}

func label(s string) string {
	if len(s) > 24 {
		s = s[:24]
	}
	return url.PathEscape(s)
}
