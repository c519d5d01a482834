package ui

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// Msg translates a message the engine wrote in English: a validation
// problem, a warning, why a delivery or test failed. Package hooks keeps
// its English (the CLI and the journal speak it), so the window
// translates the finished text. Each English format of the catalogue
// (germanMsgs) is a pattern whose verbs capture the arguments as they
// were formatted; the German format puts those texts back, in its own
// order. An argument that is itself a known message (a hook's error
// wrapping a template's) is translated too. Text that matches no format
// stays as it is: English, never garbled.
func (l tr) Msg(s string) string {
	if l.lang != langGerman || s == "" {
		return s
	}
	out, _ := germanMsgCatalog().translate(s, maxMsgDepth)
	return out
}

// maxMsgDepth bounds how deep messages nest ("hook crm: render header
// X: render template: resolve {secret.a}: secret "a" not found: ...").
// Each level is shorter than the one around it, so this is a guard, not
// a limit real messages reach.
const maxMsgDepth = 8

var germanMsgCatalog = sync.OnceValue(func() *msgCatalog {
	c, _ := compileMsgs(allGermanMsgs()) // i18n_msgs_test.go keeps it free of errors
	return c
})

// allGermanMsgs is the German message catalogue: the engine's messages
// (germanMsgs) and the call source's status (germanSipMsgs).
func allGermanMsgs() map[string]string {
	all := make(map[string]string, len(germanMsgs)+len(germanSipMsgs)+len(germanPresetMsgs))
	for _, m := range []map[string]string{germanMsgs, germanSipMsgs, germanPresetMsgs} {
		for k, v := range m {
			all[k] = v
		}
	}
	return all
}

// msgCatalog is a catalogue of message formats, compiled.
type msgCatalog struct {
	// exact maps messages without verbs to their translation.
	exact map[string]string
	// formats are in the order that breaks ties between readings.
	formats []*msgFormat
}

// msgFormat is one English format as a pattern, with its translation.
type msgFormat struct {
	english string
	re      *regexp.Regexp
	// lits are the literal pieces of the English format in order, the
	// first before the first verb and the last after the last verb:
	// a message lacking one of them cannot match, checked before re.
	lits []string
	// groupArg is the argument of each capture group; textArg says an
	// argument is text (%s, %v, %w), which may be a message itself, not
	// a number or a quoted string.
	groupArg []int
	textArg  []bool
	german   []msgPiece
	// wrapper says the English format has no words of its own ("%s: %s",
	// "%q: %s"): it counts only when its first text argument is a known
	// message, so unknown text ("dial tcp: lookup x: no such host") is
	// not translated piecemeal.
	wrapper bool
	// weight is the length of the format's literal text: how much of a
	// message it accounts for.
	weight int
}

// msgPiece is a literal or a verb of a format.
type msgPiece struct {
	lit    string
	isVerb bool
	verb   rune   // 's', 'q', 'd', 'v', 'w'
	arg    int    // the argument it formats, from 0
	flags  string // flags, width and precision, as written
}

// compileMsgs compiles a catalogue of English formats and their
// translations. A format it cannot use is left out and reported.
func compileMsgs(catalogue map[string]string) (*msgCatalog, []error) {
	c := &msgCatalog{exact: map[string]string{}}
	var errs []error
	for en, de := range catalogue {
		f, err := compileMsg(en, de)
		if err != nil {
			errs = append(errs, fmt.Errorf("%q: %w", en, err))
			continue
		}
		switch {
		case f == nil: // a single verb: the text is its own translation
		case f.re == nil:
			c.exact[f.english] = piecesText(f.german, nil)
		default:
			c.formats = append(c.formats, f)
		}
	}
	// Between readings that explain as much, the first format wins: one
	// that ends in its own words ("%s: nothing is listening there") before
	// one that ends in a verb, whose last argument takes whatever follows;
	// then the one with more words.
	sort.Slice(c.formats, func(i, j int) bool {
		a, b := c.formats[i], c.formats[j]
		if ae, be := a.lits[len(a.lits)-1] != "", b.lits[len(b.lits)-1] != ""; ae != be {
			return ae
		}
		if a.weight != b.weight {
			return a.weight > b.weight
		}
		return a.english < b.english
	})
	return c, errs
}

// compileMsg compiles one entry. It returns nil for a format that is one
// verb and nothing else ("%v": a message passed on as it is), and a
// msgFormat without re for one without verbs, whose english is then the
// message itself.
func compileMsg(en, de string) (*msgFormat, error) {
	ep, err := parseMsgFormat(en)
	if err != nil {
		return nil, err
	}
	dp, err := parseMsgFormat(de)
	if err != nil {
		return nil, fmt.Errorf("German: %w", err)
	}
	nargs := 0
	for _, p := range ep {
		if p.isVerb {
			nargs = max(nargs, p.arg+1)
		}
	}
	for _, p := range dp {
		if p.isVerb && p.arg >= nargs {
			return nil, fmt.Errorf("German %q has argument %d; the English has %d", de, p.arg+1, nargs)
		}
	}
	if nargs == 0 {
		return &msgFormat{english: piecesText(ep, nil), german: dp}, nil
	}
	if len(ep) == 1 {
		if de != en {
			return nil, fmt.Errorf("a format that is one verb passes its text on: its German must be %q", en)
		}
		return nil, nil
	}
	f := &msgFormat{english: en, german: dp, textArg: make([]bool, nargs), wrapper: true}
	var re strings.Builder
	re.WriteString(`(?s)^`)
	lit := ""
	for i, p := range ep {
		if !p.isVerb {
			re.WriteString(regexp.QuoteMeta(p.lit))
			lit = p.lit
			f.weight += len(p.lit)
			if strings.IndexFunc(p.lit, unicode.IsLetter) >= 0 {
				f.wrapper = false
			}
			continue
		}
		f.lits = append(f.lits, lit)
		lit = ""
		// Text takes as little as it can, so a message splits at the
		// first ": " (the causes at the end carry more). Before nothing
		// but a space it takes all it can: "%s %s a country code" is a
		// list of placeholders, then one word.
		greedy := i+1 < len(ep) && !ep[i+1].isVerb && strings.TrimSpace(ep[i+1].lit) == ""
		pat, err := verbPattern(p, greedy)
		if err != nil {
			return nil, err
		}
		re.WriteString("(" + pat + ")")
		f.groupArg = append(f.groupArg, p.arg)
		switch p.verb {
		case 's', 'v', 'w':
			f.textArg[p.arg] = true
		}
	}
	f.lits = append(f.lits, lit)
	re.WriteString(`$`)
	if f.re, err = regexp.Compile(re.String()); err != nil {
		return nil, err
	}
	return f, nil
}

// verbPattern is the pattern of what verb p prints.
func verbPattern(p msgPiece, greedy bool) (string, error) {
	pad := ""
	if width, _, _ := strings.Cut(p.flags, "."); strings.IndexFunc(width, func(r rune) bool { return r >= '1' && r <= '9' }) >= 0 {
		pad = ` *` // a width pads with spaces, left or right
	}
	switch p.verb {
	case 's', 'v', 'w':
		if greedy {
			return `.*`, nil
		}
		return `.*?`, nil
	case 'd':
		return pad + `[-+]?[0-9]+` + pad, nil
	case 'q':
		// strconv.Quote's "..." with its escapes, %#q's `...`, a rune's '.'.
		return pad + `(?:"(?:[^"\\]|\\.)*"|` + "`[^`]*`" + `|'(?:[^'\\]|\\.)*')` + pad, nil
	}
	return "", fmt.Errorf("verb %%%c: only %%s %%q %%d %%v %%w can be matched", p.verb)
}

// parseMsgFormat splits a format into literals and verbs, numbering the
// arguments as fmt does (explicit indexes, %[2]s, included).
func parseMsgFormat(f string) ([]msgPiece, error) {
	var out []msgPiece
	var lit strings.Builder
	arg := 0
	for i := 0; i < len(f); {
		if f[i] != '%' {
			lit.WriteByte(f[i])
			i++
			continue
		}
		i++
		if i < len(f) && f[i] == '%' {
			lit.WriteByte('%')
			i++
			continue
		}
		var flags strings.Builder
		for i < len(f) && strings.IndexByte("+-# 0", f[i]) >= 0 {
			flags.WriteByte(f[i])
			i++
		}
		index := func() error {
			if i >= len(f) || f[i] != '[' {
				return nil
			}
			end := strings.IndexByte(f[i:], ']')
			if end < 0 {
				return fmt.Errorf("unclosed [ in %q", f)
			}
			n, err := strconv.Atoi(f[i+1 : i+end])
			if err != nil || n < 1 {
				return fmt.Errorf("bad argument index in %q", f)
			}
			arg = n - 1
			i += end + 1
			return nil
		}
		if err := index(); err != nil {
			return nil, err
		}
		for i < len(f) && (f[i] >= '0' && f[i] <= '9' || f[i] == '.') {
			flags.WriteByte(f[i])
			i++
		}
		if err := index(); err != nil {
			return nil, err
		}
		if i >= len(f) {
			return nil, fmt.Errorf("%q ends in a verb", f)
		}
		if f[i] == '*' {
			return nil, fmt.Errorf("%q takes its width from an argument", f)
		}
		if lit.Len() > 0 {
			out = append(out, msgPiece{lit: lit.String()})
			lit.Reset()
		}
		out = append(out, msgPiece{isVerb: true, verb: rune(f[i]), arg: arg, flags: flags.String()})
		arg++
		i++
	}
	if lit.Len() > 0 {
		out = append(out, msgPiece{lit: lit.String()})
	}
	return out, nil
}

// piecesText puts pieces together with args in place of the verbs.
func piecesText(pieces []msgPiece, args []string) string {
	var b strings.Builder
	for _, p := range pieces {
		if p.isVerb {
			b.WriteString(args[p.arg])
		} else {
			b.WriteString(p.lit)
		}
	}
	return b.String()
}

// translate returns the translation of s and whether s is a known
// message; depth bounds the nesting still to be looked into.
func (c *msgCatalog) translate(s string, depth int) (string, bool) {
	r := c.read(s, depth, map[string]msgReading{})
	return r.text, r.known
}

// msgReading is one way to read a message: its translation, and how
// many of its bytes known formats account for (their literal text, at
// every level of nesting).
type msgReading struct {
	text  string
	score int
	known bool
}

// read finds the reading of s that accounts for most of it. Formats
// overlap: "could not connect to the proxy 1.2.3.4:3128: nothing is
// listening there" is "could not connect to the proxy %s" with a message
// inside or "%s: nothing is listening there" around one, and "could not
// connect to the proxy: no answer within 10 s" fits "could not connect
// to %s" as well as "%s: no answer within %s". The reading that leaves
// the least text unexplained wins; between equals, the order of formats
// decides (see compileMsgs). memo holds what was read in this message.
func (c *msgCatalog) read(s string, depth int, memo map[string]msgReading) msgReading {
	if t, ok := c.exact[s]; ok {
		return msgReading{text: t, score: len(s), known: true}
	}
	if r, ok := memo[s]; ok {
		return r
	}
	best := msgReading{text: s}
	for _, f := range c.formats {
		if r, ok := f.apply(c, s, depth, memo); ok && (!best.known || r.score > best.score) {
			best = r
		}
	}
	memo[s] = best
	return best
}

// apply reads s as a message of format f.
func (f *msgFormat) apply(c *msgCatalog, s string, depth int, memo map[string]msgReading) (msgReading, bool) {
	if !f.mayMatch(s) {
		return msgReading{}, false
	}
	m := f.re.FindStringSubmatch(s)
	if m == nil {
		return msgReading{}, false
	}
	args := make([]string, len(f.textArg))
	set := make([]bool, len(f.textArg))
	for i, g := range m[1:] {
		a := f.groupArg[i]
		if set[a] && args[a] != g {
			return msgReading{}, false // an argument printed twice, differently
		}
		args[a], set[a] = g, true
	}
	score, first := f.weight, true
	for a, text := range f.textArg {
		if !text {
			continue
		}
		var r msgReading
		if depth > 0 && args[a] != "" {
			r = c.read(args[a], depth-1, memo)
		}
		if first && f.wrapper && !r.known {
			return msgReading{}, false
		}
		first = false
		if r.known {
			args[a], score = r.text, score+r.score
		}
	}
	return msgReading{text: piecesText(f.german, args), score: score, known: true}, true
}

// mayMatch reports whether s has f's literal pieces in order: most
// messages are ruled out here, without running the pattern.
func (f *msgFormat) mayMatch(s string) bool {
	last := len(f.lits) - 1
	if !strings.HasPrefix(s, f.lits[0]) || !strings.HasSuffix(s, f.lits[last]) {
		return false
	}
	pos, end := len(f.lits[0]), len(s)-len(f.lits[last])
	for _, l := range f.lits[1:last] {
		i := strings.Index(s[pos:], l)
		if i < 0 {
			return false
		}
		pos += i + len(l)
	}
	return pos <= end
}
