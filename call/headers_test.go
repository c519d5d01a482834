package call

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestStoredHeaders(t *testing.T) {
	big := strings.Repeat("x", 60<<10)
	tests := []struct {
		name  string
		in    map[string]string
		check func(t *testing.T, got map[string]string)
	}{
		{"credentials left out", map[string]string{
			"authorization": "Digest username=\"1002\", response=\"0123abcd\"", "proxy-authorization": "Digest response=\"0123abcd\"",
			"x-queue": "Support",
		}, func(t *testing.T, got map[string]string) {
			if len(got) != 1 || got["x-queue"] != "Support" {
				t.Errorf("got %v, want only x-queue", got)
			}
		}},
		{"long value cut", map[string]string{"x-big": big, "user-agent": "Phone"}, func(t *testing.T, got map[string]string) {
			if len(got["x-big"]) != MaxStoredHeaderValue || got["user-agent"] != "Phone" {
				t.Errorf("x-big is %d bytes, user-agent %q", len(got["x-big"]), got["user-agent"])
			}
		}},
		{"cut inside a character", map[string]string{"x-u": strings.Repeat("a", MaxStoredHeaderValue-1) + "ü"}, func(t *testing.T, got map[string]string) {
			if v := got["x-u"]; len(v) != MaxStoredHeaderValue-1 {
				t.Errorf("x-u is %d bytes, want %d", len(v), MaxStoredHeaderValue-1)
			}
		}},
		{"total capped, small ones kept", func() map[string]string {
			m := map[string]string{"x-queue": "Support"}
			for i := range 60 {
				m["x-big-"+string(rune('a'+i%26))+string(rune('a'+i/26))] = big
			}
			return m
		}(), func(t *testing.T, got map[string]string) {
			total := 0
			for k, v := range got {
				total += len(k) + len(v)
			}
			if total > MaxStoredHeaders {
				t.Errorf("%d bytes of headers stored, want at most %d", total, MaxStoredHeaders)
			}
			if got["x-queue"] != "Support" {
				t.Errorf("the small header was dropped: %v", got["x-queue"])
			}
		}},
		{"none", nil, func(t *testing.T, got map[string]string) {
			if got != nil {
				t.Errorf("got %v", got)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, StoredHeaders(tt.in)) })
	}
}

// The JSON form is what the journal stores: it never holds credentials,
// and the rest of the record survives the trip.
func TestCallJSONLeavesOutCredentials(t *testing.T) {
	c := Call{ID: "c1", Direction: In, Caller: Party{Number: "0301"}, Headers: map[string]string{
		"proxy-authorization": "Digest response=\"0123abcd\"", "authorization": "Digest response=\"0123abcd\"", "x-queue": "S",
	}}
	for _, v := range []any{c.Stored()} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "0123abcd") || strings.Contains(strings.ToLower(string(b)), "authorization") {
			t.Errorf("stored record holds credentials: %s", b)
		}
		var back Call
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if back.ID != "c1" || back.Caller.Number != "0301" || back.Headers["x-queue"] != "S" || !back.Start.IsZero() {
			t.Errorf("round trip lost data: %+v", back)
		}
	}
	if len(c.Headers) != 3 {
		t.Error("Stored changed the call's own headers")
	}
}

// {header.NAME} reads through Header: credentials never render.
func TestHeaderHidesCredentials(t *testing.T) {
	c := Call{Headers: map[string]string{"proxy-authorization": "Digest x", "authorization": "Digest y", "x-queue": "S"}}
	for _, name := range []string{"Proxy-Authorization", "authorization", "AUTHORIZATION"} {
		if v, ok := c.Header(name); ok || v != "" {
			t.Errorf("Header(%q) = %q, %v", name, v, ok)
		}
	}
	if v, ok := c.Header("X-Queue"); !ok || v != "S" {
		t.Errorf("Header(X-Queue) = %q, %v", v, ok)
	}
}
