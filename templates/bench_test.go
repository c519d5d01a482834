package templates

import (
	"testing"

	"github.com/callhook/callhook/call"
)

func BenchmarkRenderURL(b *testing.B) {
	u, err := ParseURL("https://crm.example.com/contacts/{remote|e164}/calls?name={remote_name}&user={user}&id={call_id}")
	if err != nil {
		b.Fatal(err)
	}
	d := Sample(call.IncomingAnswer, "max", "49")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := u.Render(d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderJSON(b *testing.B) {
	body, err := ParseBody(`{"caller":"{caller}","name":{remote_name},"duration":{duration},"record":{json}}`, "application/json")
	if err != nil {
		b.Fatal(err)
	}
	d := Sample(call.IncomingHangup, "max", "49")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := body.Render(d); err != nil {
			b.Fatal(err)
		}
	}
}
