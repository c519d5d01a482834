package templates

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/callhook/callhook/call"
)

// Data is what a template is rendered with.
type Data struct {
	Trigger call.Trigger
	Call    call.Call
	// CountryCode is the configured country code without "+" ("49"),
	// used by the e164 filter.
	CountryCode string
	// Now is the render time; {duration} of a call in progress counts to it.
	Now time.Time
	// Secret resolves {secret.NAME}. Nil means secrets are not allowed here.
	Secret func(name string) (string, error)
}

// ErrNoSecrets is returned when a template uses {secret.NAME} but the data
// has no way to resolve secrets.
var ErrNoSecrets = errors.New("secrets are not available here")

// value is one placeholder's rendered value before escaping. empty marks
// a value the trigger cannot fill or the call does not have yet.
type value struct {
	s     string
	kind  kind
	empty bool
}

// resolve computes r's value from d.
func resolve(r Ref, d *Data) (value, error) {
	if !fillable(r.Name, d.Trigger) {
		return value{kind: refKind(r), empty: true}, nil
	}
	c := &d.Call
	str := func(s string) value { return value{s: s, empty: s == ""} }
	var v value
	switch r.Name {
	case "caller":
		v = str(c.Caller.Number)
	case "callee":
		v = str(c.Callee.Number)
	case "remote":
		v = str(c.Remote().Number)
	case "remote_name":
		v = str(c.Remote().Name)
	case "caller_name":
		v = str(c.Caller.Name)
	case "callee_name":
		v = str(c.Callee.Name)
	case "user":
		v = str(c.User)
	case "direction":
		v = str(string(c.Direction))
	case "queue":
		v = str(c.Queue)
	case "call_id":
		v = str(c.ID)
	case "trigger":
		v = str(string(d.Trigger))
	case "outcome":
		v = str(string(c.Outcome))
	case "start":
		v = str(rfc3339(c.Start))
	case "answer":
		v = str(rfc3339(c.Answer))
	case "end":
		v = str(rfc3339(c.End))
	case "time":
		v = value{kind: kindNumber, empty: true}
		if !c.Start.IsZero() {
			v = value{kind: kindNumber, s: strconv.FormatInt(c.Start.Unix(), 10)}
		}
	case "duration":
		v = value{kind: kindNumber, s: strconv.FormatInt(int64(c.Duration(d.Now)/time.Second), 10)}
	case "duration_ms":
		v = value{kind: kindNumber, s: strconv.FormatInt(c.Duration(d.Now).Milliseconds(), 10)}
	case "header":
		h, _ := c.Header(r.Arg)
		v = str(h)
	case "secret":
		if d.Secret == nil {
			return value{}, fmt.Errorf("resolve %s: %w", r.Token(), ErrNoSecrets)
		}
		s, err := d.Secret(r.Arg)
		if err != nil {
			return value{}, fmt.Errorf("resolve %s: %w", r.Token(), err)
		}
		v = str(s)
	case "json":
		v = value{kind: kindObject, s: string(Record(*d))}
	default:
		return value{}, fmt.Errorf("resolve %s: unknown placeholder", r.Token())
	}
	switch r.Filter {
	case "e164":
		v = str(E164(v.s, d.CountryCode))
	case "digits":
		v = str(Digits(v.s))
	case "mmss":
		v = str(MMSS(c.Duration(d.Now)))
	case "datetime":
		v = str(timeFormat(callTime(c, r.Name), DateTimeLayout))
	case "offset":
		v = str(timeFormat(callTime(c, r.Name), OffsetLayout))
	case "map":
		v = str(mapValue(r.FilterArgs, v.s))
	}
	return v, nil
}

// Layouts of the time filters, always in UTC.
const (
	// DateTimeLayout is {start|datetime}: "2025-03-14 09:26:53", as
	// Pipedrive's call logs take start_time and end_time.
	DateTimeLayout = "2006-01-02 15:04:05"
	// OffsetLayout is {start|offset}: RFC 3339 with the offset written
	// as +00:00 rather than Z (a UTC time formats "-07:00" as "+00:00"),
	// "2025-03-14T09:26:53+00:00", the ISO 8601 form Zoho CRM documents
	// for its date-time fields.
	OffsetLayout = "2006-01-02T15:04:05-07:00"
)

// callTime returns the time the placeholder name stands for.
func callTime(c *call.Call, name string) time.Time {
	switch name {
	case "answer":
		return c.Answer
	case "end":
		return c.End
	}
	return c.Start
}

func rfc3339(t time.Time) string { return timeFormat(t, time.RFC3339) }

// timeFormat formats t in UTC; the zero time is "".
func timeFormat(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(layout)
}

// MMSS writes a duration as minutes and seconds, "02:35", the minutes
// at least two digits and not capped at 59 ("125:07"). Fractions of a
// second are dropped, as {duration} drops them; a negative duration is
// "00:00".
func MMSS(d time.Duration) string {
	s := max(int64(d/time.Second), 0)
	m, sec := s/60, s%60
	b := make([]byte, 0, 8)
	if m < 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, m, 10)
	return string(append(b, ':', byte('0'+sec/10), byte('0'+sec%10)))
}

// E164 normalises a phone number to E.164 with the country code cc
// (digits, no "+"): "030 123-45" -> "+493012345", "0049..." -> "+49...",
// "+49..." kept. Spaces, dashes, dots, slashes and parentheses are
// dropped. A number without a leading 0 or + (an extension) is returned
// as its digits; text that is no phone number at all ("anonymous")
// becomes "" so that it never reaches a CRM search as a number.
func E164(s, cc string) string {
	cc = strings.TrimPrefix(cc, "+")
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case strings.ContainsRune(" -./()\u00a0", r):
		default:
			return ""
		}
	}
	n := b.String()
	switch {
	case strings.HasPrefix(n, "+"):
		if len(n) == 1 {
			return ""
		}
		return n
	case strings.HasPrefix(n, "00"):
		if len(n) == 2 {
			return ""
		}
		return "+" + n[2:]
	case strings.HasPrefix(n, "0") && cc != "" && len(n) > 1:
		return "+" + cc + n[1:]
	}
	return n
}

// Digits keeps only the ASCII digits of s.
func Digits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
