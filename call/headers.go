package call

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// SIP credentials and the size of what is kept of a call's headers.
//
// The proxy sees the softphone's INVITE, and with it the digest answer in
// Authorization or Proxy-Authorization. A call record never hands those
// on: {header.NAME} renders them empty, and the stored record (Stored,
// which is what the journal keeps) leaves them out. The stored
// record also caps the headers, since they are hostile input a caller
// can make as large as the PBX lets through.
const (
	// MaxStoredHeaderValue caps one header value in the stored record.
	MaxStoredHeaderValue = 1 << 10
	// MaxStoredHeaders caps the stored headers of one call: names and
	// values together. Headers that do not fit are left out, the largest
	// first.
	MaxStoredHeaders = 8 << 10
)

// sensitiveHeaders are the SIP headers that carry credentials.
var sensitiveHeaders = []string{"authorization", "proxy-authorization"}

// SensitiveHeader reports whether the SIP header name carries credentials
// and is therefore never stored, shown or rendered.
func SensitiveHeader(name string) bool {
	return slices.Contains(sensitiveHeaders, strings.ToLower(name))
}

// StoredHeaders returns h as a call record stores it: without the
// sensitive headers, each value cut to MaxStoredHeaderValue bytes, and
// at most MaxStoredHeaders bytes in all, the smaller headers kept.
func StoredHeaders(h map[string]string) map[string]string {
	if len(h) == 0 {
		return nil
	}
	type kv struct{ k, v string }
	all := make([]kv, 0, len(h))
	for k, v := range h {
		if SensitiveHeader(k) || len(k) > MaxStoredHeaderValue {
			continue
		}
		all = append(all, kv{k, truncate(v, MaxStoredHeaderValue)})
	}
	slices.SortFunc(all, func(a, b kv) int {
		return cmp.Or(cmp.Compare(len(a.k)+len(a.v), len(b.k)+len(b.v)), strings.Compare(a.k, b.k))
	})
	out := make(map[string]string, len(all))
	total := 0
	for _, e := range all {
		if total += len(e.k) + len(e.v); total > MaxStoredHeaders {
			break
		}
		out[e.k] = e.v
	}
	return out
}

// truncate cuts s to at most n bytes, not inside a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Stored returns the call as a record keeps it: with StoredHeaders in
// place of Headers. (A method rather than MarshalJSON: a MarshalJSON
// would be promoted into every struct that embeds a Call and replace
// that struct's own encoding.)
func (c Call) Stored() Call {
	c.Headers = StoredHeaders(c.Headers)
	return c
}
