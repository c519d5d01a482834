package templates_test

import (
	"fmt"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/templates"
)

func ExampleParseURL() {
	u, err := templates.ParseURL("https://crm.example.com/search?phone={remote|e164}&name={remote_name}")
	if err != nil {
		panic(err)
	}
	d := templates.Sample(call.IncomingAnswer, "max", "49")
	d.Call.Caller.Name = "Smith & Sons #1"
	s, _ := u.Render(d)
	fmt.Println(s)
	// Output: https://crm.example.com/search?phone=%2B493012345678&name=Smith%20%26%20Sons%20%231
}

func ExampleParseBody() {
	b, err := templates.ParseBody(`{"caller":"{caller}","name":{remote_name},"duration":{duration}}`, "application/json")
	if err != nil {
		panic(err)
	}
	d := templates.Sample(call.IncomingHangup, "max", "49")
	d.Call.Caller.Name = `Eve "the hacker"`
	out, _ := b.Render(d)
	fmt.Println(string(out))

	// On a trigger that cannot fill {duration}, it is null: still JSON.
	out, _ = b.Render(templates.Sample(call.IncomingAnswer, "max", "49"))
	fmt.Println(string(out))
	// Output:
	// {"caller":"03012345678","name":"Eve \"the hacker\"","duration":155}
	// {"caller":"03012345678","name":"Erika Mustermann","duration":null}
}

func ExampleParse_literalBrace() {
	t, _ := templates.Parse("{{caller} is {caller}")
	s, _ := t.Render(templates.Sample(call.IncomingRing, "max", "49"))
	fmt.Println(s)
	// Output: {caller} is 03012345678
}

func ExampleWarnings() {
	t, _ := templates.Parse("https://crm.example.com/?d={duration}")
	fmt.Println(templates.Warnings(t, []call.Trigger{call.IncomingAnswer, call.IncomingHangup}))
	// Output: [{duration} is always empty on incoming.answer]
}

func ExampleRecord() {
	d := templates.Sample(call.QueueMissed, "max", "49")
	fmt.Println(string(templates.Record(d)))
	// Output: {"version":"1","call":{"id":"sample-7f3a9c2e41d8","from":"03012345678","to":"200","startTime":"2025-03-14T09:26:53Z","endTime":"2025-03-14T09:27:18Z","duration":0,"direction":"IN","users":["max"],"channel":{"id":"Support","name":"Support"}},"trigger":"queue.missed","outcome":"missed","queue":"Support","caller":{"number":"03012345678","name":"Erika Mustermann"},"callee":{"number":"200","name":"Support"},"answerTime":null}
}
