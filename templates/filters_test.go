package templates

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
)

func TestMMSS(t *testing.T) {
	tests := []struct {
		name string
		d    time.Duration
		want string
	}{
		{"zero", 0, "00:00"},
		{"seconds only", 42 * time.Second, "00:42"},
		{"fraction dropped", 59*time.Second + 999*time.Millisecond, "00:59"},
		{"one minute", time.Minute, "01:00"},
		{"sample talk time", 2*time.Minute + 35*time.Second + 250*time.Millisecond, "02:35"},
		{"minutes past 59", 125*time.Minute + 7*time.Second, "125:07"},
		{"hours are minutes", 10 * time.Hour, "600:00"},
		{"negative is zero", -5 * time.Second, "00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MMSS(tt.d); got != tt.want {
				t.Errorf("MMSS(%v) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
}

func TestTimeFilters(t *testing.T) {
	hangup := Sample(call.IncomingHangup, "max", "49")
	berlin := hangup
	loc := time.FixedZone("CET", 3600)
	berlin.Call.Start = berlin.Call.Start.In(loc)
	berlin.Call.End = berlin.Call.End.In(loc)
	answer := Sample(call.IncomingAnswer, "max", "49")
	missed := Sample(call.IncomingMissed, "max", "49")
	inProgress := Sample("", "max", "49")
	inProgress.Call.End = time.Time{}
	inProgress.Now = inProgress.Call.Answer.Add(61 * time.Second)
	renderCases(t, []renderCase{
		{"datetime of each time", "{start|datetime}|{answer|datetime}|{end|datetime}", hangup,
			"2025-03-14 09:26:53|2025-03-14 09:27:01|2025-03-14 09:29:36"},
		{"offset of each time", "{start|offset}|{answer|offset}|{end|offset}", hangup,
			"2025-03-14T09:26:53+00:00|2025-03-14T09:27:01+00:00|2025-03-14T09:29:36+00:00"},
		{"times in another zone are written in UTC", "{start|datetime} {end|offset}", berlin,
			"2025-03-14 09:26:53 2025-03-14T09:29:36+00:00"},
		{"mmss of the talk time", "{duration|mmss}", hangup, "02:35"},
		{"mmss of a missed call", "{duration|mmss}", missed, "00:00"},
		{"mmss counts to now without a trigger", "{duration|mmss}", inProgress, "01:01"},
		{"unfillable time stays empty", "[{end|datetime}][{end|offset}][{duration|mmss}]", answer, "[][][]"},
		{"answer of a missed call is empty", "[{answer|datetime}]", missed, "[]"},
		{"unanswered time is empty without a trigger", "[{end|offset}]", inProgress, "[]"},
	})
}

// A filter on a placeholder it makes no sense for is a parse error that
// names the placeholder and the filter.
func TestFilterDoesNotApply(t *testing.T) {
	parseErrorCases(t, []parseErrorCase{
		{"{remote|mmss}", 0, "{remote|mmss} at offset 0: the filter mmss applies only to {duration}, not to {remote}"},
		{"x{duration_ms|mmss}", 1, "{duration_ms|mmss} at offset 1: {duration_ms} takes no filter"},
		{"{caller|datetime}", 0, "the filter datetime applies only to {start}, {answer}, {end}, not to {caller}"},
		{"{time|offset}", 0, "{time|offset} at offset 0: {time} takes no filter"},
		{"{duration|datetime}", 0, "the filter datetime applies only to {start}, {answer}, {end}, not to {duration}"},
		{"{duration|e164}", 0, "the filter e164 applies to text placeholders only, not to {duration}"},
		{"{json|mmss}", 0, "{json} takes no filter"},
		{"{secret.crm|offset}", 0, "the filter offset applies only to {start}, {answer}, {end}, not to {secret}"},
		{"{start|iso}", 0, `unknown filter "iso" (known filters: e164, digits, mmss, datetime, offset, map)`},
		{"{start|}", 0, "empty filter (known filters: e164, digits, mmss, datetime, offset, map)"},
	})
}

// The filtered values are text, escaped where they stand like any other:
// a bare JSON value is a string (an empty one "", not null), a query
// value is percent-encoded.
func TestFiltersAreEscaped(t *testing.T) {
	hangup := Sample(call.IncomingHangup, "max", "49")
	b, err := ParseBody(`{"d":{duration|mmss},"s":{start|datetime},"e":"{end|offset}","n":{duration}}`, "application/json")
	if err != nil {
		t.Fatal(err)
	}
	out, err := b.Render(hangup)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"d":"02:35","s":"2025-03-14 09:26:53","e":"2025-03-14T09:29:36+00:00","n":155}`; string(out) != want {
		t.Errorf("body %s, want %s", out, want)
	}
	out, err = b.Render(Sample(call.IncomingAnswer, "max", "49"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("body %s: %v", out, err)
	}
	if m["d"] != "" || m["e"] != "" || m["n"] != nil {
		t.Errorf("unfilled values on answer: %s, want an empty string for a filtered one and null for a number", out)
	}

	u, err := ParseURL("https://crm.example.com/log?t={start|datetime}&o={start|offset}&d={duration|mmss}")
	if err != nil {
		t.Fatal(err)
	}
	s, err := u.Render(hangup)
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://crm.example.com/log?t=2025-03-14%2009%3A26%3A53&o=2025-03-14T09%3A26%3A53%2B00%3A00&d=02%3A35"; s != want {
		t.Errorf("URL %s, want %s", s, want)
	}
	pu, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	if q := pu.Query(); q.Get("o") != "2025-03-14T09:26:53+00:00" || q.Get("t") != "2025-03-14 09:26:53" {
		t.Errorf("query decodes to %v", q)
	}

	f, err := ParseBody("at={start|datetime}&len={duration|mmss}", "application/x-www-form-urlencoded")
	if err != nil {
		t.Fatal(err)
	}
	out, err = f.Render(hangup)
	if err != nil {
		t.Fatal(err)
	}
	if want := "at=2025-03-14+09%3A26%3A53&len=02%3A35"; string(out) != want {
		t.Errorf("form %s, want %s", out, want)
	}
}

// parseErrorCase is a template that must not parse, and where and why.
type parseErrorCase struct {
	src    string
	offset int
	want   string // part of the error
}

func parseErrorCases(t *testing.T, tests []parseErrorCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := Parse(tt.src)
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("Parse(%q) = %v, want an *Error", tt.src, err)
			}
			if te.Offset != tt.offset || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q (offset %d), want %q at %d", err, te.Offset, tt.want, tt.offset)
			}
		})
	}
}
