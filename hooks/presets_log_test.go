package hooks

import (
	"errors"
	"strings"
	"testing"

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
			"description": "Answered by agent, talk time 02:35",
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
