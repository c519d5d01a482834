package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestHistorySearchAsYouType(t *testing.T) {
	h, loads := historyHarness(t, sampleConfig(), sampleHistory())
	c := h.u.calls
	tests := []struct {
		name  string
		typed string
		want  []string
	}{
		{"name in other case", "mustermann", []string{"c2"}},
		{"part of a name", "jane d", []string{"c1", "sim-1772443800000000000@callhook"}},
		{"digits without the spaces and plus", "301234", []string{"c1", "sim-1772443800000000000@callhook"}},
		{"digits with other separators", "30-12 34", []string{"c1", "sim-1772443800000000000@callhook"}},
		{"national prefix for the country code", "030 1234", []string{"c1", "sim-1772443800000000000@callhook"}},
		{"international form of a national number", "+49 89 111", []string{"c2"}},
		{"callee of an outgoing call", "acme", []string{"c3"}},
		{"number of an outgoing call's callee", "5550100", []string{"c3"}},
		{"inner digits that start with 0", "0100", []string{"c3"}},
		{"digits from 0 across separators", "0-1234", []string{"c1", "sim-1772443800000000000@callhook"}},
		{"nothing matches", "xyz", nil},
		{"empty shows all", "", []string{"c1", "c2", "c3", "sim-1772443800000000000@callhook"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.search.SetText("")
			test.Type(c.search, tt.typed)
			if got := shownIDs(c); !slices.Equal(got, tt.want) {
				t.Errorf("typing %q shows %v, want %v", tt.typed, got, tt.want)
			}
		})
	}
	if n := loads.Load(); n != 1 {
		t.Errorf("history read %d times while typing, want once (the search is local)", n)
	}

	c.search.SetText("")
	test.Type(c.search, "mustermann")
	text := labels(c.history)
	if !strings.Contains(text, "Max Mustermann") || strings.Contains(text, "Jane Doe") {
		t.Errorf("history after searching mustermann:\n%s", text)
	}
	c.search.SetText("xyz")
	if text := labels(c.history); !strings.Contains(text, "None of the last 4 calls matches.") {
		t.Errorf("no message for a search without match:\n%s", text)
	}
}

func TestHistorySearchFindsNameWithControlCharacters(t *testing.T) {
	rows := sampleHistory()
	rows[1].Call.Caller.Name = "Max\u202E\u200B Muster\x00mann"
	h, _ := historyHarness(t, sampleConfig(), rows)
	test.Type(h.u.calls.search, "max mustermann")
	if got := shownIDs(h.u.calls); !slices.Equal(got, []string{"c2"}) {
		t.Errorf("searching the name as shown finds %v, want [c2]", got)
	}
}

func TestHistoryFilter(t *testing.T) {
	h, loads := historyHarness(t, sampleConfig(), sampleHistory())
	c := h.u.calls
	tests := []struct {
		option string
		want   []string
	}{
		{"Failed deliveries", []string{"c2"}},
		{"Answered", []string{"c1", "c3"}},
		{"Missed", []string{"c2", "sim-1772443800000000000@callhook"}},
		{"All", []string{"c1", "c2", "c3", "sim-1772443800000000000@callhook"}},
	}
	for _, tt := range tests {
		t.Run(tt.option, func(t *testing.T) {
			if !slices.Contains(c.filter.Options, tt.option) {
				t.Fatalf("filter lacks %q: %v", tt.option, c.filter.Options)
			}
			c.filter.SetSelected(tt.option)
			if got := shownIDs(c); !slices.Equal(got, tt.want) {
				t.Errorf("filter %s shows %v, want %v", tt.option, got, tt.want)
			}
		})
	}

	c.filter.SetSelected("Failed deliveries")
	text := labels(c.history)
	if !strings.Contains(text, "Max Mustermann") || strings.Contains(text, "Jane Doe") || strings.Contains(text, "ACME") {
		t.Errorf("history filtered to failed deliveries:\n%s", text)
	}
	// The filter holds across a reload and combines with the search.
	c.changed()
	h.settle()
	if got := shownIDs(c); !slices.Equal(got, []string{"c2"}) {
		t.Errorf("after a reload the filter shows %v, want [c2]", got)
	}
	c.filter.SetSelected("Missed")
	test.Type(c.search, "301234")
	if got := shownIDs(c); !slices.Equal(got, []string{"sim-1772443800000000000@callhook"}) {
		t.Errorf("Missed and 301234 show %v, want the simulated call", got)
	}
	if n := loads.Load(); n != 2 {
		t.Errorf("history read %d times, want 2 (the first load and the reload)", n)
	}
}
