package templates

import (
	"encoding/json"
	"strings"

	"github.com/callhook/callhook/call"
)

// RecordPreset is the body template the editor's "call record JSON"
// preset inserts.
const RecordPreset = "{json}"

// RecordVersion is the sipgate Conversational Intelligence payload version.
const RecordVersion = "1"

// record is the {json} object. Field order is the key order on the wire.
// The "call" object follows sipgate's Conversational Intelligence v1 shape
// so receivers written for it work unchanged; Callhook's own fields sit
// beside it at the top level. Absent values are null, never missing keys.
type record struct {
	Version    string      `json:"version"`
	Call       recordCall  `json:"call"`
	Trigger    *string     `json:"trigger"`
	Outcome    *string     `json:"outcome"`
	Queue      *string     `json:"queue"`
	Caller     recordParty `json:"caller"`
	Callee     recordParty `json:"callee"`
	AnswerTime *string     `json:"answerTime"`
}

type recordCall struct {
	ID        string         `json:"id"`
	From      string         `json:"from"`
	To        string         `json:"to"`
	StartTime *string        `json:"startTime"`
	EndTime   *string        `json:"endTime"`
	Duration  int64          `json:"duration"` // milliseconds
	Direction string         `json:"direction"`
	Users     []string       `json:"users"`
	Channel   *recordChannel `json:"channel,omitempty"`
}

type recordChannel struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type recordParty struct {
	Number string `json:"number"`
	Name   string `json:"name"`
}

// Record renders the call as the sipgate Conversational Intelligence v1
// JSON object: {"version":"1","call":{"id","from","to","startTime",
// "endTime","duration" (ms),"direction":"IN"|"OUT","users":[],"channel":
// {"id","name"}}} plus Callhook's own fields (trigger, outcome, queue,
// caller/callee names, answerTime). This is {json} and the editor's
// preset. Channel is present for queue calls only.
func Record(d Data) []byte {
	c := &d.Call
	r := record{
		Version: RecordVersion,
		Call: recordCall{
			ID:        c.ID,
			From:      c.Caller.Number,
			To:        c.Callee.Number,
			StartTime: orNull(rfc3339(c.Start)),
			EndTime:   orNull(rfc3339(c.End)),
			Duration:  c.Duration(d.Now).Milliseconds(),
			Direction: strings.ToUpper(string(c.Direction)),
			Users:     []string{},
		},
		Trigger:    orNull(string(d.Trigger)),
		Outcome:    orNull(string(c.Outcome)),
		Queue:      orNull(c.Queue),
		Caller:     recordParty{Number: c.Caller.Number, Name: c.Caller.Name},
		Callee:     recordParty{Number: c.Callee.Number, Name: c.Callee.Name},
		AnswerTime: orNull(rfc3339(c.Answer)),
	}
	if c.User != "" {
		r.Call.Users = []string{c.User}
	}
	if c.Queue != "" {
		r.Call.Channel = &recordChannel{ID: c.Queue, Name: c.Queue}
	}
	if c.Direction == call.In || c.Direction == "" {
		r.Call.Direction = "IN"
	}
	b, err := json.Marshal(r)
	if err != nil {
		// Only strings, numbers and slices: Marshal cannot fail.
		panic("templates: marshal record: " + err.Error())
	}
	return b
}

func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
