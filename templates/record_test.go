package templates

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/callhook/callhook/call"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestRecordGolden pins the {json} wire shape: receivers depend on it.
func TestRecordGolden(t *testing.T) {
	tests := []struct {
		name string
		d    Data
	}{
		{"incoming_hangup", Sample(call.IncomingHangup, "max", "49")},
		{"incoming_ring", Sample(call.IncomingRing, "max", "49")},
		{"outgoing_answer", Sample(call.OutgoingAnswer, "max", "49")},
		{"queue_missed", Sample(call.QueueMissed, "max", "49")},
	}
	var all bytes.Buffer
	for _, tt := range tests {
		rec := Record(tt.d)
		if !json.Valid(rec) {
			t.Fatalf("%s: invalid JSON %s", tt.name, rec)
		}
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, rec, "", "  "); err != nil {
			t.Fatal(err)
		}
		all.WriteString("// " + tt.name + "\n")
		all.Write(pretty.Bytes())
		all.WriteString("\n")
	}
	golden := filepath.Join("testdata", "record.golden")
	if *update {
		if err := os.WriteFile(golden, all.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(all.Bytes(), want) {
		t.Errorf("Record changed; got:\n%s", all.Bytes())
	}
}

func TestRecordFields(t *testing.T) {
	tests := []struct {
		name  string
		d     Data
		check func(t *testing.T, r map[string]any, c map[string]any)
	}{
		{"ended call has endTime and ms duration", Sample(call.IncomingHangup, "max", "49"), func(t *testing.T, r, c map[string]any) {
			if c["endTime"] != "2025-03-14T09:29:36Z" || c["duration"] != 155250.0 || c["direction"] != "IN" {
				t.Errorf("call %v", c)
			}
			if _, ok := c["channel"]; ok {
				t.Error("direct call has a channel")
			}
		}},
		{"ringing call has null endTime", Sample(call.IncomingRing, "max", "49"), func(t *testing.T, r, c map[string]any) {
			if v, ok := c["endTime"]; !ok || v != nil {
				t.Errorf("endTime = %v, %v; want null", v, ok)
			}
			if r["answerTime"] != nil || r["outcome"] != nil || c["duration"] != 0.0 {
				t.Errorf("record %v", r)
			}
		}},
		{"outgoing is OUT from the agent", Sample(call.OutgoingStart, "max", "49"), func(t *testing.T, r, c map[string]any) {
			if c["direction"] != "OUT" || c["from"] != "1002" || c["to"] != "08912345678" {
				t.Errorf("call %v", c)
			}
		}},
		{"queue call has a channel", Sample(call.QueueAnswer, "max", "49"), func(t *testing.T, r, c map[string]any) {
			ch, _ := c["channel"].(map[string]any)
			if ch["id"] != "Support" || ch["name"] != "Support" || r["queue"] != "Support" {
				t.Errorf("channel %v queue %v", ch, r["queue"])
			}
		}},
		{"no user gives empty users list", Data{Call: call.Call{ID: "x", Direction: call.In}}, func(t *testing.T, r, c map[string]any) {
			if u, ok := c["users"].([]any); !ok || len(u) != 0 {
				t.Errorf("users %v", c["users"])
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r map[string]any
			if err := json.Unmarshal(Record(tt.d), &r); err != nil {
				t.Fatal(err)
			}
			if r["version"] != "1" {
				t.Errorf("version %v", r["version"])
			}
			c, _ := r["call"].(map[string]any)
			tt.check(t, r, c)
		})
	}
}
