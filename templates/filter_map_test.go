package templates

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/callhook/callhook/call"
)

// pipedriveMap is the map of the Pipedrive preset, as a hook author
// writes one.
const pipedriveMap = "{outcome|map:answered=connected,busy=busy,*=no_answer}"

func TestMapFilter(t *testing.T) {
	hangup := Sample(call.IncomingHangup, "max", "49")
	with := func(o call.Outcome) Data {
		d := hangup
		d.Call.Outcome = o
		return d
	}
	outgoing := Sample(call.OutgoingHangup, "max", "49")
	answer := Sample(call.IncomingAnswer, "max", "49")
	noOutcome := with("")
	renderCases(t, []renderCase{
		{"listed value", pipedriveMap, hangup, "connected"},
		{"another listed value", pipedriveMap, with(call.Busy), "busy"},
		{"unlisted value takes the default", pipedriveMap, with(call.Missed), "no_answer"},
		{"every unlisted value takes the default", pipedriveMap + pipedriveMap, with(call.AnsweredElsewhere), "no_answerno_answer"},
		{"no default: an unlisted value is itself", "{outcome|map:answered=COMPLETED}", with(call.Rejected), "rejected"},
		{"default listed first", "{outcome|map:*=Other,missed=Missed}", with(call.Missed), "Missed"},
		{"text with spaces and signs", "{outcome|map:answered=Call answered - ok.+_1,*=x}", hangup, "Call answered - ok.+_1"},
		{"text in another script", "{outcome|map:missed=Verpasster Anruf für Max,*=Angenommen}", with(call.Missed), "Verpasster Anruf für Max"},
		{"empty text", "[{outcome|map:missed=,*=x}]", with(call.Missed), "[]"},
		{"direction", "{direction|map:in=Inbound,out=Outbound}", hangup, "Inbound"},
		{"direction out", "{direction|map:in=Inbound,out=Outbound}", outgoing, "Outbound"},
		{"trigger with dots", "{trigger|map:incoming.hangup=in,queue.hangup=queue}", hangup, "in"},
		{"unfillable outcome stays empty, not the default", "[{outcome|map:*=no_answer}]", answer, "[]"},
		{"an empty outcome stays empty", "[{outcome|map:*=no_answer}]", noOutcome, "[]"},
	})
}

// Token gives back the placeholder as written, map and all, and Refs
// carry the map's pairs.
func TestMapToken(t *testing.T) {
	for _, src := range []string{pipedriveMap, "{direction|map:in=Inbound}", "{trigger|map:queue.hangup=Q,*=D}",
		"{outcome|map:missed=Verpasster Anruf}", "{outcome|map:busy=}"} {
		tpl, err := Parse("a" + src + "b")
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		refs := tpl.Refs()
		if len(refs) != 1 || refs[0].Token() != src || refs[0].Filter != "map" {
			t.Errorf("Parse(%q): refs %#v, token %q", src, refs, refs[0].Token())
		}
	}
	r := Ref{Name: "outcome", Filter: "map", FilterArgs: "answered=connected,*=no_answer"}
	if got, want := r.Token(), "{outcome|map:answered=connected,*=no_answer}"; got != want {
		t.Errorf("Token = %q, want %q", got, want)
	}
}

// A map that cannot be right is a parse error naming the placeholder,
// and for a wrong value the values it can take.
func TestMapErrors(t *testing.T) {
	parseErrorCases(t, []parseErrorCase{
		{"x{outcome|map:answerd=connected,*=no_answer}", 1,
			`{outcome|map:answerd=connected,*=no_answer} at offset 1: {outcome} is never "answerd": its values are answered, missed, busy, rejected, cancelled, answered_elsewhere, failed, and * stands for the others`},
		{"{direction|map:inbound=in}", 0, `{direction} is never "inbound": its values are in, out`},
		{"{trigger|map:incoming.hangp=x}", 0, `{trigger} is never "incoming.hangp": its values are outgoing.start, outgoing.answer`},
		{"{outcome|map:Answered=x}", 0, `{outcome} is never "Answered"`},
		{"{outcome|map:answered =x}", 0, `{outcome} is never "answered "`},
		{"{outcome|map:=x}", 0, `{outcome} is never ""`},
		{"{outcome|map:answered}", 0, `"answered" is no VALUE=TEXT pair (the map of {outcome} is VALUE=TEXT,...,*=TEXT)`},
		{"{outcome|map:answered=a,,busy=b}", 0, `"" is no VALUE=TEXT pair`},
		{"{outcome|map:answered=a,answered=b}", 0, `"answered" is mapped twice`},
		{"{outcome|map:*=a,*=b}", 0, `"*" is mapped twice`},
		{"{outcome|map:answered=a=b}", 0, `the mapped text "a=b" may hold only letters, digits, spaces and _ - . +`},
		{"{outcome|map:answered=*}", 0, `the mapped text "*" may hold only`},
		{"{outcome|map}", 0, "{outcome|map} at offset 0: the filter map needs its values: {outcome|map:VALUE=TEXT,...,*=TEXT}"},
		{"{outcome|map:}", 0, "the filter map needs its values"},
		{`{"o":"{outcome|map:answered=a"b}"}`, 6, `{outcome|map:answered=a" at offset 6: unexpected "\"" in the filter's values: a mapped text holds only letters, digits, spaces and _ - . +`},
		{"{outcome|map:answered=a/b}", 0, `unexpected "/" in the filter's values`},
		{"{outcome|map:answered=<b>}", 0, `unexpected "<" in the filter's values`},
		{"{outcome|map:answered=a{caller}}", 0, `unexpected "{" in the filter's values`},
		{"{outcome|map:answered=a\nb}", 0, `unexpected "\n" in the filter's values`},
		{"{outcome|map:answered=a\u202eb}", 0, `unexpected "\u202e" in the filter's values`},
		{"{outcome|map:answered=a", 0, "not closed"},
		{"{caller|map:answered=x}", 0, "the filter map applies only to {direction}, {trigger}, {outcome}, not to {caller}"},
		{"{remote_name|map:x=y}", 0, "not to {remote_name}"},
		{"{header.X-Result|map:ok=connected}", 0, "not to {header}"},
		{"{user|map:max=Max}", 0, "not to {user}"},
		{"{queue|map:Support=S}", 0, "not to {queue}"},
		{"{duration|map:0=none}", 0, "the filter map applies only to {direction}, {trigger}, {outcome}, not to {duration}"},
		{"{time|map:0=none}", 0, "{time} takes no filter"},
		{"{remote|e164:x}", 0, "{remote|e164:x} at offset 0: the filter e164 takes no values"},
		{"{outcome|mapp:answered=x}", 0, `unknown filter "mapp" (known filters: e164, digits, mmss, datetime, offset, map)`},
	})
}

// Text after an unknown word stays literal as before: only a known
// placeholder's filter reads values.
func TestMapLiteralBraces(t *testing.T) {
	for _, src := range []string{"{color|x: red}", "{Outcome|map: a}", "a {b|map:c=d"} {
		tpl, err := Parse(src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		if len(tpl.Refs()) != 0 {
			t.Errorf("Parse(%q): refs %v, want literal text", src, tpl.Refs())
		}
	}
}

// Mapped text is escaped where it stands like every value: a JSON
// string, a query value, a form value, XML and a header.
func TestMapIsEscaped(t *testing.T) {
	d := Sample(call.IncomingHangup, "max", "49")
	const m = "{outcome|map:answered=Call + ok. ä,*=x}"
	b, err := ParseBody(`{"s":"`+m+`","v":`+m+`}`, "application/json")
	if err != nil {
		t.Fatal(err)
	}
	out, err := b.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]string
	if err := json.Unmarshal(out, &v); err != nil || v["s"] != "Call + ok. ä" || v["v"] != "Call + ok. ä" {
		t.Errorf("JSON %s: %v %v", out, v, err)
	}

	u, err := ParseURL("https://crm.example.com/log/" + m + "?o=" + m + "&d={direction|map:in=a b}")
	if err != nil {
		t.Fatal(err)
	}
	s, err := u.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://crm.example.com/log/Call%20%2B%20ok%2E%20%C3%A4?o=Call%20%2B%20ok.%20%C3%A4&d=a%20b"; s != want {
		t.Errorf("URL %s, want %s", s, want)
	}
	if pu, err := url.Parse(s); err != nil || pu.Query().Get("o") != "Call + ok. ä" {
		t.Errorf("URL %s parses to %v, %v", s, pu, err)
	}

	f, err := ParseBody("o="+m, "application/x-www-form-urlencoded")
	if err != nil {
		t.Fatal(err)
	}
	if out, _ := f.Render(d); string(out) != "o=Call+%2B+ok.+%C3%A4" {
		t.Errorf("form %s", out)
	}
	x, err := ParseBody("<o>{outcome|map:answered=a.b}</o>", "application/xml")
	if err != nil {
		t.Fatal(err)
	}
	if out, _ := x.Render(d); string(out) != "<o>a.b</o>" {
		t.Errorf("XML %s", out)
	}
}
