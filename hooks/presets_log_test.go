package hooks

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/templates"
)

// The call-logging presets send times and talk times in the formats
// their vendors document, on every trigger they fire on.
func TestLogPresetsVendorFormats(t *testing.T) {
	tests := []struct {
		preset string
		params map[string]string
		header [2]string         // header name, value rendered with the sample secret
		fields map[string]string // path (a.0.b) -> value
	}{
		{"zoho-log", nil, [2]string{"Authorization", "Zoho-oauthtoken SECRET"}, map[string]string{
			"data.0.Call_Type":       "Inbound",
			"data.0.Call_Start_Time": "2025-03-14T09:26:53+00:00", // yyyy-MM-ddTHH:mm:ss±HH:mm
			"data.0.Call_Duration":   "02:35",                     // mm:ss of 155 s
			"data.0.Subject":         "Call with Erika Mustermann +493012345678",
		}},
		{"pipedrive-log", map[string]string{"company": "acme"}, [2]string{"x-api-token", "SECRET"}, map[string]string{
			"outcome":           "connected",
			"start_time":        "2025-03-14 09:26:53", // YYYY-MM-DD HH:MM:SS, UTC
			"end_time":          "2025-03-14 09:29:36",
			"duration":          "155",
			"from_phone_number": "+493012345678",
			"to_phone_number":   "1002",
		}},
		{"freshdesk-log", map[string]string{"domain": "acme"}, [2]string{}, map[string]string{
			"phone":       "+493012345678",
			"description": "Outcome: Answered. Agent: agent. Talk time: 02:35.",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.preset, func(t *testing.T) {
			h, err := FromPreset(tt.preset, tt.params)
			if err != nil {
				t.Fatal(err)
			}
			for _, tr := range h.Triggers {
				d := templates.Sample(tr, "agent", "49")
				body := renderBody(t, h, d)
				for path, want := range tt.fields {
					got := field(body, strings.Split(path, "."))
					if tr == call.QueueHangup && path == "to_phone_number" {
						want = d.Call.Callee.Number // the queue's number
					}
					if got != want {
						t.Errorf("%s: %s = %q, want %q", tr, path, got, want)
					}
				}
			}
			if tt.header[0] != "" {
				tpl, err := templates.Parse(h.Headers[tt.header[0]])
				if err != nil {
					t.Fatal(err)
				}
				got, err := tpl.RenderHeader(templates.Sample(call.IncomingHangup, "agent", "49"))
				if err != nil || got != tt.header[1] {
					t.Errorf("%s: %q, %v, want %q", tt.header[0], got, err, tt.header[1])
				}
			}
		})
	}
}

// Zoho's API domain is one of its data centres': the token goes to no
// other host, whatever is typed.
func TestZohoAPIDomain(t *testing.T) {
	for _, dc := range zohoAPIDomains {
		h, err := FromPreset("zoho-log", map[string]string{"api_domain": dc})
		if err != nil {
			t.Errorf("%s: %v", dc, err)
			continue
		}
		if want := "https://" + dc + "/crm/v8/Calls"; h.URL != want {
			t.Errorf("URL %s, want %s", h.URL, want)
		}
	}
	h, err := FromPreset("zoho-log", map[string]string{"api_domain": "https://WWW.ZohoAPIs.eu/"})
	if err != nil || h.URL != "https://www.zohoapis.eu/crm/v8/Calls" {
		t.Errorf("typed with scheme and capitals: %v, %v", h.URL, err)
	}
	h, err = FromPreset("zoho-log", nil)
	if err != nil || h.URL != "https://www.zohoapis.com/crm/v8/Calls" || h.Headers["Authorization"] != "Zoho-oauthtoken {secret.zoho-token}" {
		t.Errorf("defaults: %+v, %v", h, err)
	}
	for _, bad := range []string{"www.zohoapis.co", "evil.example", "www.zohoapis.com.evil.example", "crm.zoho.com"} {
		_, err := FromPreset("zoho-log", map[string]string{"api_domain": bad})
		if !errors.Is(err, ErrInvalidParam) || !strings.Contains(err.Error(), "api_domain") || !strings.Contains(err.Error(), "www.zohoapis.eu") {
			t.Errorf("%s: err %v, want an invalid api_domain listing the data centres", bad, err)
		}
	}
	// The table keeps its own list: a caller cannot widen it.
	p, _ := LookupPreset("zoho-log")
	p.ParamInfo()[0].choices[0] = "evil.example"
	if _, err := FromPreset("zoho-log", map[string]string{"api_domain": "evil.example"}); err == nil {
		t.Error("a changed copy of the parameters widened the table's choices")
	}
}

// Freshdesk's description is HTML and Pipedrive's note too: neither holds
// text the caller chooses (the SIP Call-ID may carry < and >).
func TestLogPresetsKeepCallerTextOutOfHTML(t *testing.T) {
	for preset, html := range map[string]string{"freshdesk-log": "description", "pipedrive-log": "note"} {
		h, err := FromPreset(preset, presetParams[preset])
		if err != nil {
			t.Fatal(err)
		}
		d := hostileData()
		d.Call.ID = `<img src=x onerror=alert(1)>`
		d.Call.Headers = map[string]string{"x": "<b>"}
		got := field(renderBody(t, h, d), []string{html})
		if got == "" || strings.ContainsAny(got, `<>"`) || strings.Contains(got, "Eve") {
			t.Errorf("%s: %s = %q holds caller text", preset, html, got)
		}
	}
}

// ended is the sample call on trigger tr ended with outcome o: a call
// not answered has no answer time and no talk time.
func ended(tr call.Trigger, o call.Outcome) templates.Data {
	d := templates.Sample(tr, "agent", "49")
	d.Call.Outcome = o
	if o != call.Answered {
		d.Call.Answer = time.Time{}
		d.Call.End = d.Call.Start.Add(25 * time.Second)
		d.Now = d.Call.End
	}
	return d
}

// The log presets fire when an incoming call ends, answered or not, and
// log each call as it went, in the values the vendor documents: a missed
// call is not logged as a connected one.
func TestLogPresetsLogTheOutcome(t *testing.T) {
	tests := []struct {
		preset string
		path   string
		want   map[call.Outcome]string
	}{
		{"pipedrive-log", "outcome", map[call.Outcome]string{ // connected, no_answer, left_message, left_voicemail, wrong_number, busy
			call.Answered: "connected", call.Missed: "no_answer", call.Busy: "busy", call.Rejected: "no_answer",
			call.AnsweredElsewhere: "no_answer", call.Cancelled: "no_answer", call.Failed: "no_answer"}},
		{"hubspot-log", "properties.hs_call_status", map[call.Outcome]string{ // BUSY, CALLING_CRM_USER, CANCELED, COMPLETED, ..., NO_ANSWER
			call.Answered: "COMPLETED", call.Missed: "NO_ANSWER", call.Busy: "BUSY", call.Rejected: "NO_ANSWER",
			call.AnsweredElsewhere: "NO_ANSWER", call.Cancelled: "CANCELED", call.Failed: "FAILED"}},
		{"zoho-log", "data.0.Call_Type", map[call.Outcome]string{ // Inbound, Outbound, Missed
			call.Answered: "Inbound", call.Missed: "Missed", call.Busy: "Missed", call.Rejected: "Missed",
			call.AnsweredElsewhere: "Missed", call.Cancelled: "Missed", call.Failed: "Missed"}},
		{"salesforce-log", "CallDisposition", map[call.Outcome]string{
			call.Answered: "Answered", call.Missed: "Missed", call.Busy: "Busy", call.Rejected: "Rejected",
			call.AnsweredElsewhere: "Answered elsewhere", call.Cancelled: "Cancelled", call.Failed: "Failed"}},
		{"salesforce-log", "Description", map[call.Outcome]string{
			call.Answered: "Outcome: Answered. Agent: agent. Call ", call.Missed: "Outcome: Missed. Agent: agent. Call "}},
		{"dynamics-log", "description", map[call.Outcome]string{
			call.Answered: "Outcome: Answered. Agent: agent. Call ", call.Busy: "Outcome: Busy. Agent: agent. Call "}},
		{"zendesk-log", "call_disposition", map[call.Outcome]string{
			call.Answered: "Answered", call.Missed: "Missed", call.Busy: "Busy"}},
		{"freshdesk-log", "description", map[call.Outcome]string{
			call.Answered: "Outcome: Answered. Agent: agent. Talk time: 02:35.", call.Missed: "Outcome: Missed. Agent: agent. Talk time: 00:00.",
			call.Busy: "Outcome: Busy. Agent: agent. Talk time: 00:00."}},
		{"hubspot-log", "properties.hs_call_body", map[call.Outcome]string{
			call.Answered: "Outcome: Answered. Agent: agent. Talk time: 02:35.", call.Missed: "Outcome: Missed. Agent: agent. Talk time: 00:00."}},
		{"pipedrive-log", "note", map[call.Outcome]string{
			call.Answered: "Outcome: Answered. Agent: agent.", call.Busy: "Outcome: Busy. Agent: agent."}},
		{"zoho-log", "data.0.Description", map[call.Outcome]string{
			call.Missed: "Caller +493012345678. Outcome: Missed. Agent: agent. Call "}},
	}
	for _, tt := range tests {
		t.Run(tt.preset+"/"+tt.path, func(t *testing.T) {
			h, err := FromPreset(tt.preset, presetParams[tt.preset])
			if err != nil {
				t.Fatal(err)
			}
			for _, tr := range h.Triggers {
				for o, want := range tt.want {
					got := field(renderBody(t, h, ended(tr, o)), strings.Split(tt.path, "."))
					if got != want && !(strings.HasSuffix(want, " ") && strings.HasPrefix(got, want)) {
						t.Errorf("%s, %s: %s = %q, want %q", tr, o, tt.path, got, want)
					}
				}
			}
		})
	}
}

// No log preset says anywhere in its body that a call nobody answered
// was answered, connected or completed.
func TestLogPresetsNeverCallAMissedCallAnswered(t *testing.T) {
	for name := range presetWant {
		h, err := FromPreset(name, presetParams[name])
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range h.Triggers {
			for _, o := range []call.Outcome{call.Missed, call.Busy, call.Rejected} {
				var texts []string
				collectStrings(renderBody(t, h, ended(tr, o)), &texts)
				for _, s := range texts {
					if strings.Contains(strings.ToLower(s), "answered") || strings.Contains(s, "connected") || strings.Contains(s, "COMPLETED") {
						t.Errorf("%s, %s, %s: %q", name, tr, o, s)
					}
				}
			}
		}
	}
}

// collectStrings appends every string in a JSON value to out.
func collectStrings(v any, out *[]string) {
	switch v := v.(type) {
	case string:
		*out = append(*out, v)
	case map[string]any:
		for _, e := range v {
			collectStrings(e, out)
		}
	case []any:
		for _, e := range v {
			collectStrings(e, out)
		}
	}
}
