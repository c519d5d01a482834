package ui

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// msgSources are the engine's files whose text reaches the window as a
// validation problem, a warning or a delivery or test failure, and so
// must be in germanMsgs:
//
//   - hooks: config_validate.go and config_source.go (Problem.Message,
//     the helpers that word addresses, ports and CA files, the source's
//     port warnings), config_warnings_e164.go (E164Warnings), failure.go
//     (describeFailure, requestError, statusError: why an attempt failed),
//     browser.go (a browser hook's refusals and what it opened),
//     deliver.go (buildRequest: why a request could not be built) and
//     secrets.go (a missing secret, which a delivery's error wraps);
//   - templates, whose errors hooks passes on with "%v" (a URL, body or
//     header that does not parse or render) and whose Warnings the editor
//     shows: parse.go, url.go, body.go, values.go, render.go,
//     placeholders.go, filter_map.go.
//
// Not here: the journal, outbox, dispatcher and config file code, whose
// errors name files and database steps for logs and the CLI, and package
// sip, whose status errors wrap Go's and sipgo's errors through several
// layers with no fixed formats to match.
var msgSources = []string{
	"../hooks/config_validate.go",
	"../hooks/config_source.go",
	"../hooks/config_warnings_e164.go",
	"../hooks/config_warnings_browser.go",
	"../hooks/failure.go",
	"../hooks/browser.go",
	"../hooks/deliver.go",
	"../hooks/secrets.go",
	"../hooks/policy_apply.go",
	"../hooks/policy_validate.go",
	"../hooks/policy_hosts.go",
	"../templates/parse.go",
	"../templates/url.go",
	"../templates/body.go",
	"../templates/values.go",
	"../templates/render.go",
	"../templates/placeholders.go",
	"../templates/filter_map.go",
}

// msgSkipFuncs hold text that is no message of its own, each with why.
var msgSkipFuncs = map[string]string{
	"problems.add":          "formats its callers' formats",
	"errAt":                 "formats its callers' formats",
	"ValidationError.Error": "the CLI's summary of every problem; the window shows each Problem by itself",
	"Problem.String":        "path and message, joined",
	"shortCause":            "strips the Go package prefixes of a cause, which stays Go's English",
	"SecretEnvName":         "an environment variable's name",
}

// msgNotText are literals in msgSources that take part in messages or
// sit beside them but are no English text to translate, each with why.
var msgNotText = map[string]string{
	"headers[":             "a config field's name (headers[\"X-Key\"])",
	"hooks[":               "a config path (hooks[crm])",
	"null":                 "JSON's null, for an empty number in a body",
	".NAME}":               "a placeholder's token in the editor's menu ({secret.NAME})",
	"Callhook/":            "the User-Agent header",
	" [reading response: ": "a note in a response excerpt, not an error",
	"needs":                "the e164 warning's verb: its German says it in a way that fits one placeholder and several",
	"need":                 "the e164 warning's verb, plural",
}

// engineTexts is what collectEngineTexts finds: formats are whole
// messages' formats, which must be keys of germanMsgs; fragments are
// pieces a message is put together from ("could not connect to " +
// target), which must each be inside a key. Both map to where they are.
type engineTexts struct {
	formats   map[string]string
	fragments map[string]string
}

// collectEngineTexts parses msgSources and collects, in function bodies
// (and package-level errors.New):
//
//   - formats: the format argument of problems.add (4th) and templates'
//     errAt (3rd), and the literal format of every fmt.Sprintf,
//     fmt.Errorf and errors.New call, except where it builds a config
//     path or field (the first three arguments of add, a value assigned
//     to path or field) or is itself one operand of a + concatenation;
//   - fragments: string literals, and formats, that are operands of a +
//     concatenation, results of a return statement, values assigned to
//     a variable or given as a Msg or Message field.
//
// Literals compared against or passed to other functions (a scheme, a
// prefix to strip) are not collected. A non-literal format (errors.New(m)
// re-wrapping text already collected) is skipped.
func collectEngineTexts(t *testing.T) engineTexts {
	t.Helper()
	out := engineTexts{formats: map[string]string{}, fragments: map[string]string{}}
	fset := token.NewFileSet()
	funcs := map[string]bool{}
	for _, name := range msgSources {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatalf("parse %s: %v (msgSources names the engine's files that word messages)", name, err)
		}
		c := &textCollector{t: t, fset: fset, out: out, skip: map[ast.Node]bool{}, fragmentCalls: map[ast.Node]bool{}}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				funcs[funcName(d)] = true
				if _, skip := msgSkipFuncs[funcName(d)]; skip || d.Body == nil {
					continue
				}
				c.mark(d.Body)
				c.collect(d.Body)
			case *ast.GenDecl:
				// var ErrX = errors.New("...")
				if d.Tok == token.VAR {
					c.mark(d)
					c.collect(d)
				}
			}
		}
	}
	for f := range msgSkipFuncs {
		if !funcs[f] {
			t.Errorf("msgSkipFuncs lists %s, which msgSources no longer have", f)
		}
	}
	return out
}

// TestMsgSourcesAreComplete fails for a file of hooks or templates that
// words problems (problems.add, a Problem's Message, templates' errAt)
// or failures (outcome errors) but is not in msgSources.
func TestMsgSourcesAreComplete(t *testing.T) {
	listed := map[string]bool{}
	for _, f := range msgSources {
		listed[f] = true
	}
	for _, dir := range []string{"../hooks", "../templates"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no sources in %s: %v", dir, err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") || listed[name] {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			reported := false
			ast.Inspect(f, func(n ast.Node) bool {
				var why string
				switch n := n.(type) {
				case *ast.CallExpr:
					switch {
					case isMethodCall(n, "add") && len(n.Args) >= 4:
						why = "adds problems"
					case isFunc(n, "errAt"):
						why = "makes template errors"
					}
				case *ast.KeyValueExpr:
					if id, ok := n.Key.(*ast.Ident); ok && (id.Name == "Message" || id.Name == "err") {
						if _, lit := n.Value.(*ast.Ident); !lit {
							why = "words a " + id.Name + " field"
						}
					}
				}
				if why != "" && !reported {
					t.Errorf("%s %s but is not in msgSources", name, why)
					reported = true
				}
				return !reported
			})
		}
	}
}

type textCollector struct {
	t    *testing.T
	fset *token.FileSet
	out  engineTexts
	// skip holds expressions that build config paths and field names;
	// fragmentCalls the format calls that are one operand of a +.
	skip, fragmentCalls map[ast.Node]bool
}

func funcName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return d.Name.Name
	}
	typ := d.Recv.List[0].Type
	if s, ok := typ.(*ast.StarExpr); ok {
		typ = s.X
	}
	if id, ok := typ.(*ast.Ident); ok {
		return id.Name + "." + d.Name.Name
	}
	return d.Name.Name
}

// mark notes the expressions that are no message of their own.
func (c *textCollector) mark(root ast.Node) {
	ast.Inspect(root, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if isMethodCall(n, "add") && len(n.Args) >= 4 {
				for _, a := range n.Args[:3] {
					c.skip[a] = true
				}
			}
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok && (id.Name == "path" || id.Name == "field") && i < len(n.Rhs) {
					c.skip[n.Rhs[i]] = true
				}
			}
		case *ast.KeyValueExpr:
			if id, ok := n.Key.(*ast.Ident); ok && (id.Name == "Path" || id.Name == "Field") {
				c.skip[n.Value] = true
			}
		case *ast.BinaryExpr:
			if n.Op == token.ADD {
				for _, op := range concatOperands(n) {
					if call, ok := op.(*ast.CallExpr); ok && isFormatCall(call) {
						c.fragmentCalls[call] = true
					}
				}
			}
		}
		return true
	})
}

func (c *textCollector) collect(root ast.Node) {
	ast.Inspect(root, func(n ast.Node) bool {
		if c.skip[n] {
			return false
		}
		switch n := n.(type) {
		case *ast.CallExpr:
			switch {
			case isMethodCall(n, "add") && len(n.Args) >= 4:
				c.format(n.Args[3], true)
			case isFunc(n, "errAt") && len(n.Args) >= 3:
				c.format(n.Args[2], true)
			case isFormatCall(n) && len(n.Args) >= 1:
				if c.fragmentCalls[n] {
					c.fragment(n.Args[0])
				} else {
					c.format(n.Args[0], false)
				}
			}
		case *ast.BinaryExpr:
			if n.Op != token.ADD {
				return true
			}
			if _, ok := constString(n); ok {
				return true // a long format split over lines: one literal
			}
			for _, op := range concatOperands(n) {
				if lit, ok := op.(*ast.BasicLit); ok {
					c.fragment(lit)
				}
			}
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				c.fragment(r)
			}
		case *ast.AssignStmt:
			for _, r := range n.Rhs {
				c.fragment(r)
			}
		case *ast.KeyValueExpr:
			if id, ok := n.Key.(*ast.Ident); ok && (id.Name == "Msg" || id.Name == "Message") {
				c.fragment(n.Value)
			}
		}
		return true
	})
}

// format records e as a message's format; must says it has to be a
// literal (a helper's format argument).
func (c *textCollector) format(e ast.Expr, must bool) {
	s, ok := constString(e)
	if !ok {
		if must {
			c.t.Errorf("%s: a message format that is not a literal: germanMsgs cannot be checked", c.fset.Position(e.Pos()))
		}
		return
	}
	if _, seen := c.out.formats[s]; !seen {
		c.out.formats[s] = c.where(e)
	}
}

// fragment records e when it is a string literal with words in it.
func (c *textCollector) fragment(e ast.Expr) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return
	}
	s, err := strconv.Unquote(lit.Value)
	if err != nil {
		c.t.Fatal(err)
	}
	if !hasLetter(s) {
		return
	}
	if _, seen := c.out.fragments[s]; !seen {
		c.out.fragments[s] = c.where(e)
	}
}

func (c *textCollector) where(e ast.Node) string {
	p := c.fset.Position(e.Pos())
	return filepath.Base(filepath.Dir(p.Filename)) + "/" + filepath.Base(p.Filename) + ":" + strconv.Itoa(p.Line)
}

// concatOperands flattens a + b + c into its operands.
func concatOperands(e ast.Expr) []ast.Expr {
	if b, ok := e.(*ast.BinaryExpr); ok && b.Op == token.ADD {
		return append(concatOperands(b.X), concatOperands(b.Y)...)
	}
	if p, ok := e.(*ast.ParenExpr); ok {
		return concatOperands(p.X)
	}
	return []ast.Expr{e}
}

// constString returns the value of a string literal or a + of them.
func constString(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.ParenExpr:
		return constString(e.X)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		x, ok1 := constString(e.X)
		y, ok2 := constString(e.Y)
		return x + y, ok1 && ok2
	}
	return "", false
}

func isMethodCall(c *ast.CallExpr, name string) bool {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == name
}

func isFunc(c *ast.CallExpr, name string) bool {
	id, ok := c.Fun.(*ast.Ident)
	return ok && id.Name == name
}

// isFormatCall reports whether c is fmt.Sprintf, fmt.Errorf or
// errors.New.
func isFormatCall(c *ast.CallExpr) bool {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	if !ok {
		return false
	}
	switch pkg.Name + "." + sel.Sel.Name {
	case "fmt.Sprintf", "fmt.Errorf", "errors.New":
		return true
	}
	return false
}

func hasLetter(s string) bool { return strings.IndexFunc(s, unicode.IsLetter) >= 0 }

// msgDroppedArgs are the arguments (from 1) a German format leaves out,
// each with why; every other argument must appear in the German.
var msgDroppedArgs = map[string][]int{
	// "needs" or "need": the German fits one placeholder and several.
	`%s %s a country code to turn national numbers (030 1234567) into +49…: set "country_code" (e.g. "49" for Germany)`: {2},
}

// TestGermanMsgsCoverTheEngine fails for each format and fragment of a
// message in msgSources that germanMsgs lacks, and for each entry whose
// English text the engine no longer writes.
func TestGermanMsgsCoverTheEngine(t *testing.T) {
	c := collectEngineTexts(t)
	if len(c.formats) < 100 || len(c.fragments) < 30 {
		t.Fatalf("found %d formats and %d fragments: the collector is broken", len(c.formats), len(c.fragments))
	}
	for f, at := range sortedMap(c.formats) {
		if _, ok := germanMsgs[f]; !ok {
			t.Errorf("%s: no German for the format %q", at, f)
		}
	}
	usedNotText := map[string]bool{}
	for f, at := range sortedMap(c.fragments) {
		if _, ok := msgNotText[f]; ok {
			usedNotText[f] = true
			continue
		}
		covered := false
		for k := range germanMsgs {
			if strings.Contains(k, f) || strings.Contains(k, strings.ReplaceAll(f, "%", "%%")) {
				covered = true
				break
			}
		}
		if !covered {
			t.Errorf("%s: %q is part of a message, but of no format in germanMsgs: add the message it builds", at, f)
		}
	}
	for f := range msgNotText {
		if !usedNotText[f] {
			t.Errorf("msgNotText lists %q, which the engine no longer writes", f)
		}
	}

	// Every piece of English in an entry must come from the engine's
	// text: an entry whose wording the engine dropped is dead.
	var pool []string
	for _, m := range []map[string]string{c.formats, c.fragments} {
		for s := range m {
			pool = append(pool, literalPieces(s)...)
		}
	}
	sort.Slice(pool, func(i, j int) bool { return len(pool[i]) > len(pool[j]) })
	for en := range sortedMap(germanMsgs) {
		for _, piece := range literalPieces(en) {
			rest := piece
			for _, p := range pool {
				rest = strings.ReplaceAll(rest, p, "")
			}
			if hasLetter(rest) {
				t.Errorf("germanMsgs has %q, but the engine writes no %q (left: %q)", en, piece, rest)
			}
		}
	}
}

// literalPieces splits a format at its verbs; text that is no format is
// one piece.
func literalPieces(s string) []string {
	ps, err := parseMsgFormat(s)
	if err != nil {
		return []string{s}
	}
	var out []string
	for _, p := range ps {
		if !p.isVerb && p.lit != "" {
			out = append(out, p.lit)
		}
	}
	return out
}

// sortedMap ranges over m in key order, so failures read the same each run.
func sortedMap(m map[string]string) func(func(string, string) bool) {
	return func(yield func(string, string) bool) {
		ks := make([]string, 0, len(m))
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		for _, k := range ks {
			if !yield(k, m[k]) {
				return
			}
		}
	}
}

// TestGermanMsgsAreWellFormed: every entry compiles; the German uses the
// English arguments with the same verbs (reordered with %[n] if need be)
// and leaves out only msgDroppedArgs; a message without a subject of its
// own starts with one of named's verbs in German too.
func TestGermanMsgsAreWellFormed(t *testing.T) {
	if _, errs := compileMsgs(germanMsgs); len(errs) > 0 {
		for _, err := range errs {
			t.Error(err)
		}
	}
	for en, de := range sortedMap(germanMsgs) {
		if strings.TrimSpace(de) == "" {
			t.Errorf("empty German for %q", en)
			continue
		}
		ep, err1 := parseMsgFormat(en)
		dp, err2 := parseMsgFormat(de)
		if err1 != nil || err2 != nil {
			continue // reported by compileMsgs
		}
		verbs := map[int]rune{}
		for _, p := range ep {
			if p.isVerb {
				verbs[p.arg] = p.verb
			}
		}
		used := map[int]bool{}
		for _, p := range dp {
			if p.isVerb {
				used[p.arg] = true
				if v := verbs[p.arg]; v != p.verb {
					t.Errorf("%q: German has %%%c for argument %d, English %%%c", en, p.verb, p.arg+1, v)
				}
			}
		}
		for a := range verbs {
			if !used[a] && !slices.Contains(msgDroppedArgs[en], a+1) {
				t.Errorf("%q: German %q leaves out argument %d", en, de, a+1)
			}
		}
		first, _, _ := strings.Cut(en, " ")
		if slices.Contains(subjectVerbsEN, first) {
			if w, _, _ := strings.Cut(de, " "); !slices.Contains(subjectVerbsDE, w) {
				t.Errorf("%q has no subject; its German %q must start with one of %v so that a label can lead it", en, de, subjectVerbsDE)
			}
		}
	}
}

// TestMsgFormats: the matcher on a catalogue of its own: verbs with
// flags and widths, %%, explicit indexes, a repeated argument, nesting,
// and text that matches nothing.
func TestMsgFormats(t *testing.T) {
	c, errs := compileMsgs(map[string]string{
		"%d%% of %s done": "%[2]s zu %[1]d%% fertig",
		"[%5d] %-6s|":     "[%[1]d] %[2]s|",
		"%[1]s is %[1]s":  "%[1]s ist %[1]s",
		"copy %q to %q":   "%[2]q aus %[1]q",
		"step %s: %v":     "Schritt %s: %v",
		"disk full":       "Platte voll",
		"%s: %s":          "%s: %s",
		"100%% sure":      "100%% sicher",
		"%+d and %x":      "x",            // %x cannot be matched
		"%s and %s":       "%s und %[3]s", // no third argument
		"%v":              "%v",
		"%s then %s":      "%s, dann %s",
		"%q wrapped":      "%q verpackt",
	})
	if len(errs) != 2 {
		t.Errorf("compile errors = %v, want two (%%x, %%[3]s)", errs)
	}
	tests := []struct{ in, want string }{
		{"75% of the upload done", "the upload zu 75% fertig"},
		{"[   42] ab    |", "[   42] ab    |"},
		{"a is a", "a ist a"},
		{"a is b", "a is b"}, // one argument twice, differently: no match
		{`copy "a\"b" to "ü ☎"`, `"ü ☎" aus "a\"b"`},
		{"step 2: disk full", "Schritt 2: Platte voll"},
		{"step 2: step 3: disk full", "Schritt 2: Schritt 3: Platte voll"},
		{"100% sure", "100% sicher"},
		{"disk full: step 1: x", "Platte voll: Schritt 1: x"},
		// A wrapper counts only when its head is a known message.
		{"dial tcp: disk full", "dial tcp: disk full"},
		{"nothing known here", "nothing known here"},
		{"", ""},
		{"a then b then c", "a, dann b, dann c"},
		{`"disk full" wrapped`, `"disk full" verpackt`}, // a quoted argument is data
	}
	for _, tt := range tests {
		if got, _ := c.translate(tt.in, maxMsgDepth); got != tt.want {
			t.Errorf("translate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMsgValidationProblems: the problems Validate finds in broken
// configs read in German, every argument as it was: the user's values
// with quotes, unicode and all.
func TestMsgValidationProblems(t *testing.T) {
	dir := t.TempDir()
	badCA := filepath.Join(dir, `ca "Zert" ü☎.pem`)
	if err := os.WriteFile(badCA, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	hook := func(edit func(h *hooks.Hook)) func(*hooks.Config) {
		return func(c *hooks.Config) { edit(&c.Hooks[1]) }
	}
	proxy := func(edit func(p *hooks.ProxySource)) func(*hooks.Config) {
		return func(c *hooks.Config) { edit(&c.Source.Proxy) }
	}
	dialog := func(edit func(d *hooks.DialogSource)) func(*hooks.Config) {
		return func(c *hooks.Config) {
			c.Source = hooks.Source{Mode: hooks.SourceDialog, Dialog: dialogConfig().Source.Dialog}
			edit(&c.Source.Dialog)
		}
	}
	tests := []struct {
		name string
		edit func(*hooks.Config)
		path string
		want string
	}{
		{"version", func(c *hooks.Config) { c.Version = 7 }, "version", "muss 1 sein, nicht 7"},
		{"country code", func(c *hooks.Config) { c.CountryCode = "0049" }, "country_code",
			`muss aus den Ziffern der Ländervorwahl ohne + oder 00 bestehen (z. B. 49), nicht "0049"`},
		{"language", func(c *hooks.Config) { c.UI.Language = "fr" }, "ui.language", `muss „en“, „de“ oder leer (wie das System) sein, nicht "fr"`},
		{"queue without name", func(c *hooks.Config) { c.Queues = []hooks.Queue{{Numbers: []string{"200"}}} }, "queues[0].name", "ist erforderlich"},
		{"queue name twice, hostile", func(c *hooks.Config) {
			q := hooks.Queue{Name: "Süd \"Team\" ☎\x01", Numbers: []string{"200"}}
			c.Queues = []hooks.Queue{q, q}
		}, "queues[1].name", `"Süd \"Team\" ☎\x01" wird schon von einer anderen Warteschlange verwendet`},
		{"hook id", hook(func(h *hooks.Hook) { h.ID = `crm"; rm -rf /` }), `hooks[1].id`, `"crm\"; rm -rf /" darf nur Buchstaben, Ziffern, - und _ enthalten`},
		{"no trigger", hook(func(h *hooks.Hook) { h.Triggers = nil }), "hooks[log].triggers", "braucht mindestens einen Auslöser (z. B. incoming.answer)"},
		{"unknown trigger", hook(func(h *hooks.Hook) { h.Triggers = []call.Trigger{"incoming.rnig"} }), "hooks[log].triggers[0]",
			`"incoming.rnig" ist kein Auslöser (bekannt: ` + triggerList() + `)`},
		{"action", hook(func(h *hooks.Hook) { h.Action = "put" }), "hooks[log].action", `muss get, post oder browser sein, nicht "put"`},
		{"url template", hook(func(h *hooks.Hook) { h.URL = "https://crm.example.com/?q={Remote}" }), "hooks[log].url",
			"{Remote} an Position 27: Platzhalternamen werden kleingeschrieben: Schreiben Sie {remote}"},
		{"url without host", hook(func(h *hooks.Hook) { h.URL = "https:///x" }), "hooks[log].url", "Position 8: Die URL hat keinen Host"},
		{"browser url with secret", func(c *hooks.Config) { c.Hooks[0].URL = "https://u:{secret.pw}@crm.example.com/" }, "hooks[crm].url",
			"{secret.pw} an Position 10: Eine Browser-URL darf Geheimnisse nur in ihren Abfrageparametern enthalten (?key={secret.NAME})"},
		{"body on a browser hook", func(c *hooks.Config) { c.Hooks[0].Body = "x" }, "hooks[crm].body", "Nur ein post-Hook sendet einen Inhalt"},
		{"reserved header", hook(func(h *hooks.Hook) { h.Headers = map[string]string{"Host": "x"} }), `hooks[log].headers["Host"]`, "Host setzt Callhook selbst"},
		{"header with control characters", hook(func(h *hooks.Hook) { h.Headers = map[string]string{"X-A": "a\nb"} }), `hooks[log].headers["X-A"]`, "enthält Steuerzeichen"},
		{"timeout", hook(func(h *hooks.Hook) { h.Timeout = hooks.Duration(time.Hour) }), "hooks[log].timeout", "muss positiv und höchstens 5m0s sein, nicht 1h0m0s"},
		{"retries", hook(func(h *hooks.Hook) { n := 99; h.Retries = &n }), "hooks[log].retries", "muss zwischen 0 und 20 liegen, nicht 99"},
		{"content type", hook(func(h *hooks.Hook) { h.ContentType = "json" }), "hooks[log].content_type", `"json" ist kein Medientyp (z. B. application/json)`},
		{"body without content type", hook(func(h *hooks.Hook) { h.ContentType, h.Body = "", `{"a": {caller}x` }), "hooks[log].body",
			"Position 14: Kein gültiges JSON (mit Beispieldaten erstellt: invalid character 'x' after object key:value pair) (ohne content_type wird der Inhalt als application/json gesendet)"},
		{"proxy without listen", proxy(func(p *hooks.ProxySource) { p.Listen = "" }), "source.proxy.listen",
			"Die Adresse, auf der Callhook für Softphones lauscht, ist im Proxy-Modus erforderlich (host:port, z. B. 127.0.0.1:5070)"},
		{"upstream port", proxy(func(p *hooks.ProxySource) { p.Upstream = "1.2.3.4:99999" }), "source.proxy.upstream",
			`"1.2.3.4:99999": Port 99999 liegt außerhalb des Bereichs (1-65535)`},
		{"upstream as a SIP URI", proxy(func(p *hooks.ProxySource) { p.Upstream = "sips:1002@pbx.example.com" }), "source.proxy.upstream",
			`"sips:1002@pbx.example.com": Lassen Sie sips: und 1002@ weg (schreiben Sie pbx.example.com und stellen Sie den Transport auf tls)`},
		{"upstream as a URL", proxy(func(p *hooks.ProxySource) { p.Upstream = "udp://u@pbx.example.com/x" }), "source.proxy.upstream",
			`"udp://u@pbx.example.com/x": Lassen Sie udp://, u@ und /x weg (schreiben Sie pbx.example.com und stellen Sie den Transport auf udp)`},
		{"listen as a scheme only", proxy(func(p *hooks.ProxySource) { p.Listen = "sip:" }), "source.proxy.listen",
			`"sip:": Lassen Sie sip: weg (schreiben Sie host:port, z. B. 127.0.0.1:5070)`},
		{"upstream with a tab", proxy(func(p *hooks.ProxySource) { p.Upstream = "pbx\t.example.com" }), "source.proxy.upstream",
			`"pbx\t.example.com": enthält einen Tabulator oder Zeilenumbruch: Schreiben Sie die Adresse ohne Leerzeichen (z. B. pbx.example.com:5060)`},
		{"upstream IPv6 without brackets", proxy(func(p *hooks.ProxySource) { p.Upstream = "fd00::5:5060" }), "source.proxy.upstream",
			`"fd00::5:5060": Setzen Sie die IPv6-Adresse in eckige Klammern, den Port dahinter: [fd00::5]:5060`},
		{"listen without port", proxy(func(p *hooks.ProxySource) { p.Listen = "127.0.0.1" }), "source.proxy.listen",
			`"127.0.0.1": Der Port fehlt (z. B. 127.0.0.1:5070)`},
		{"transport", proxy(func(p *hooks.ProxySource) { p.Transport = "sctp" }), "source.proxy.transport", `muss udp, tcp oder tls sein, nicht "sctp"`},
		{"ca file with udp", proxy(func(p *hooks.ProxySource) { p.CAFile = "/etc/ca.pem" }), "source.proxy.ca_file",
			"gilt nur für den Transport tls (der Transport ist udp): Stellen Sie den Transport auf tls oder entfernen Sie ca_file"},
		{"ca file that is no PEM", proxy(func(p *hooks.ProxySource) { p.Transport, p.CAFile = "tls", badCA }), "source.proxy.ca_file",
			strconv.Quote(badCA) + " enthält kein PEM-Zertifikat (einen Block, der mit -----BEGIN CERTIFICATE----- beginnt)"},
		{"local address port", proxy(func(p *hooks.ProxySource) { p.LocalAddress = "10.0.0.5:x" }), "source.proxy.local_address",
			`"10.0.0.5:x": Port "x" ist keine Zahl`},
		{"local address a host name", proxy(func(p *hooks.ProxySource) { p.LocalAddress = "pbx.local" }), "source.proxy.local_address",
			`"pbx.local" ist keine IP-Adresse: Geben Sie eine Adresse dieses Rechners an (z. B. 10.0.0.5), keinen Hostnamen`},
		{"watch a SIP address", dialog(func(d *hooks.DialogSource) { d.Watch = []string{"1002@pbx"} }), "source.dialog.watch[0]",
			`"1002@pbx" muss eine Nebenstelle oder ein Benutzername sein`},
		{"expires", dialog(func(d *hooks.DialogSource) { d.Expires = 30 }), "source.dialog.expires", "muss zwischen 60 und 86400 Sekunden liegen, nicht 30"},
		{"mode", func(c *hooks.Config) { c.Source.Mode = "sip" }, "source.mode", `muss none, proxy oder dialog sein, nicht "sip"`},
	}
	de := newTr(langGerman)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := proxyConfig()
			tt.edit(cfg)
			var ve *hooks.ValidationError
			if err := cfg.Validate(); !errors.As(err, &ve) {
				t.Fatalf("Validate = %v, want problems", err)
			}
			var got []string
			for _, p := range ve.Problems {
				if p.Path == tt.path {
					if de := de.Msg(p.Message); de != tt.want {
						t.Errorf("Msg(%q)\n got %q\nwant %q", p.Message, de, tt.want)
					}
					return
				}
				got = append(got, p.String())
			}
			t.Errorf("no problem at %s; problems: %q", tt.path, got)
		})
	}
}

func triggerList() string {
	var names []string
	for _, t := range call.Triggers() {
		names = append(names, string(t))
	}
	return strings.Join(names, ", ")
}

// TestMsgWarnings: the warnings of a valid config read in German.
func TestMsgWarnings(t *testing.T) {
	tls := proxyConfig()
	tls.Source.Proxy.Transport = "tls"
	plain := proxyConfig()
	plain.Source.Proxy.Upstream = "pbx.example.com:5061"
	unfilled := sampleConfig()
	unfilled.Hooks[1].Triggers = []call.Trigger{call.IncomingRing, call.IncomingAnswer}
	raw := sampleConfig()
	raw.Hooks[1].ContentType, raw.Hooks[1].Body = "text/plain", "{caller} {caller_name}"
	two := sampleConfig().Hooks[0]
	two.URL = "https://crm.example.com/?a={remote|e164}&b={caller|e164}"
	tests := []struct {
		name string
		got  []hooks.Problem
		want string
	}{
		{"tls to the plain port", tls.Warnings(),
			"Port 5060 ist der unverschlüsselte Port von SIP; mit dem Transport tls lauscht die Telefonanlage meist auf 5061"},
		{"plain to the TLS port", plain.Warnings(),
			"Port 5061 ist der TLS-Port von SIP; der Transport ist udp: Stellen Sie den Transport auf tls, wenn die Telefonanlage dort TLS erwartet"},
		{"placeholder a trigger cannot fill", unfilled.Warnings(), "{duration} ist bei incoming.ring, incoming.answer immer leer"},
		{"caller text unescaped", raw.Warnings(),
			`Der Inhaltstyp "text/plain" kennt kein Maskieren, daher gehen {caller}, {caller_name} genau so hinaus, wie der Anrufer sie gesendet hat, und können den Inhalt verändern; verwenden Sie einen JSON-, Formular- oder XML-Inhaltstyp oder den Filter |digits oder |e164`},
		{"e164 without a country code", sampleConfig().Hooks[0].E164Warnings(""),
			`Für {remote|e164} fehlt eine Ländervorwahl, um nationale Nummern (030 1234567) in +49… umzuwandeln: Setzen Sie „country_code“ (z. B. „49“ für Deutschland)`},
		{"e164 twice without a country code", two.E164Warnings(""),
			`Für {remote|e164}, {caller|e164} fehlt eine Ländervorwahl, um nationale Nummern (030 1234567) in +49… umzuwandeln: Setzen Sie „country_code“ (z. B. „49“ für Deutschland)`},
	}
	de := newTr(langGerman)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range tt.got {
				s := de.Msg(p.Message)
				if s == tt.want {
					return
				}
				got = append(got, s)
			}
			t.Errorf("warnings in German:\n%s\nwant %q", strings.Join(got, "\n"), tt.want)
		})
	}
}

// TestMsgDeliveryFailures: what a test delivery (hooks.Dispatcher.Test,
// as the window's Test button runs it) reports when it fails, on
// loopback, reads in German.
func TestMsgDeliveryFailures(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	answer := func(h http.HandlerFunc) string {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	busy := answer(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	moved := answer(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Location", "https://x:pw@crm.example.com/api?token=1")
		w.WriteHeader(http.StatusMovedPermanently)
	})
	release := make(chan struct{})
	hanging := answer(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(release) })
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(tlsSrv.Close)
	plain := strings.TrimPrefix(answer(http.NotFound), "http://")

	tests := []struct {
		name   string
		hook   hooks.Hook
		opener hooks.OpenerFunc
		// wantErr is the English the engine reports (checked, so that
		// the case tests what it says), want its German.
		wantErr, want string
	}{
		{name: "nothing listening", hook: hooks.Hook{URL: "http://" + closed + "/calls"},
			wantErr: "could not connect to " + closed + ": nothing is listening there",
			want:    "Keine Verbindung zu " + closed + " möglich: Dort lauscht niemand"},
		{name: "no answer in time", hook: hooks.Hook{URL: hanging + "/calls", Timeout: hooks.Duration(200 * time.Millisecond)},
			wantErr: "no answer within 200 ms", want: "Keine Antwort innerhalb von 200 ms"},
		{name: "busy, retry later", hook: hooks.Hook{URL: busy},
			wantErr: "HTTP 503 Service Unavailable: the receiver asks to retry after 2 min",
			want:    "HTTP 503 Service Unavailable: Der Empfänger bittet, es nach 2 min erneut zu versuchen"},
		{name: "redirect", hook: hooks.Hook{URL: moved},
			wantErr: "HTTP 301 Moved Permanently: redirect to https://crm.example.com/api not followed (hooks must point at the final URL)",
			want:    "HTTP 301 Moved Permanently: Weiterleitung auf https://crm.example.com/api nicht gefolgt (Hooks müssen auf die endgültige URL zeigen)"},
		{name: "self-signed certificate", hook: hooks.Hook{URL: tlsSrv.URL},
			wantErr: "the server's certificate is not trusted for 127.0.0.1: it is signed by an unknown authority (self-signed or a private CA)",
			want:    "Dem Zertifikat des Servers für 127.0.0.1 wird nicht vertraut: Es ist von einer unbekannten Stelle signiert (selbst signiert oder eine private CA)"},
		{name: "https to plain http", hook: hooks.Hook{URL: "https://" + plain},
			wantErr: plain + " does not speak TLS: does the hook's url need http:// instead of https://?",
			want:    plain + " spricht kein TLS: Braucht die URL des Hooks http:// statt https://?"},
		{name: "missing signing secret", hook: hooks.Hook{URL: busy, SigningSecret: "crm-key"},
			wantErr: "hook crm: signing secret: secret \"crm-key\" not found: set it with `callhook secret set crm-key` or CALLHOOK_SECRET_CRM_KEY",
			want:    "Hook crm: Signaturschlüssel: Geheimnis \"crm-key\" nicht gefunden: Legen Sie es mit `callhook secret set crm-key` oder CALLHOOK_SECRET_CRM_KEY an"},
		{name: "missing secret in a header", hook: hooks.Hook{URL: busy, Headers: map[string]string{"Authorization": "Bearer {secret.api}"}},
			wantErr: "hook crm: render header Authorization: render template: resolve {secret.api}: secret \"api\" not found: set it with `callhook secret set api` or CALLHOOK_SECRET_API",
			want:    "Hook crm: Header Authorization konnte nicht erstellt werden: Vorlage konnte nicht ausgefüllt werden: {secret.api} kann nicht aufgelöst werden: Geheimnis \"api\" nicht gefunden: Legen Sie es mit `callhook secret set api` oder CALLHOOK_SECRET_API an"},
		{name: "browser url with user info", hook: hooks.Hook{Action: hooks.ActionBrowser, URL: "https://max@crm.example.com/?q={remote}"},
			wantErr: "hook crm: refuse to open the browser: url carries user info",
			want:    "Hook crm: Browser nicht geöffnet: Die URL enthält Benutzerdaten"},
		{name: "browser that does not open", hook: hooks.Hook{Action: hooks.ActionBrowser, URL: "https://crm.example.com/"},
			opener:  func(string) error { return errors.New(`exec: "xdg-open": executable file not found in $PATH`) },
			wantErr: `hook crm: exec: "xdg-open": executable file not found in $PATH`,
			want:    `Hook crm: exec: "xdg-open": executable file not found in $PATH`},
	}
	de := newTr(langGerman)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.hook
			h.ID, h.Enabled, h.Triggers = "crm", true, []call.Trigger{call.IncomingRing}
			if h.Action == "" {
				h.Action = hooks.ActionGet
			}
			opener := tt.opener
			if opener == nil {
				opener = func(string) error { return nil }
			}
			d := hooks.NewDispatcher(nil, sampleConfig(), hooks.WithSecrets(hooks.MapSecrets{}), hooks.WithOpener(opener),
				hooks.WithLogger(slog.New(slog.DiscardHandler)))
			res, _ := d.Test(context.Background(), h, call.IncomingRing)
			if res.Error != tt.wantErr {
				t.Fatalf("the engine reports %q, want %q", res.Error, tt.wantErr)
			}
			if got := de.Msg(res.Error); got != tt.want {
				t.Errorf("Msg(%q)\n got %q\nwant %q", res.Error, got, tt.want)
			}
		})
	}
}

// TestMsgFailureTexts: failures that need a resolver, a certificate or
// a proxy to happen, as hooks/failure_test.go expects them, and text
// Msg must leave alone.
func TestMsgFailureTexts(t *testing.T) {
	tests := []struct{ in, want string }{
		{"could not find the host nosuch.invalid (DNS: no such host)", "Der Host nosuch.invalid wurde nicht gefunden (DNS: Host unbekannt)"},
		{"could not find the host nosuch.invalid (DNS: server misbehaving)", "Der Host nosuch.invalid wurde nicht gefunden (DNS: server misbehaving)"},
		{"could not connect to the proxy 127.0.0.1:3128: nothing is listening there", "Keine Verbindung zum Proxy 127.0.0.1:3128 möglich: Dort lauscht niemand"},
		{"could not connect to the proxy: no answer within 10 s", "Keine Verbindung zum Proxy möglich: Keine Antwort innerhalb von 10 s"},
		{"could not connect to localhost:8099 (::1): the network has no route to it", "Keine Verbindung zu localhost:8099 (::1) möglich: Das Netz kennt keinen Weg dorthin"},
		{"could not connect to 10.0.0.9:443: connect: permission denied", "Keine Verbindung zu 10.0.0.9:443 möglich: connect: permission denied"},
		{"the server's certificate is not valid for crm.example.net: it names example.com, *.example.com, 127.0.0.1, ::1",
			"Das Zertifikat des Servers gilt nicht für crm.example.net: Es nennt example.com, *.example.com, 127.0.0.1, ::1"},
		{"the server's certificate is not valid for crm.example.net: it names no names", "Das Zertifikat des Servers gilt nicht für crm.example.net: Es nennt keine Namen"},
		{"the server's certificate for 127.0.0.1 expired on 2026-01-31", "Das Zertifikat des Servers für 127.0.0.1 ist am 2026-01-31 abgelaufen"},
		{"the server's certificate for 127.0.0.1 is not valid before 2026-03-01 (is this computer's clock right?)",
			"Das Zertifikat des Servers für 127.0.0.1 gilt erst ab 2026-03-01 (geht die Uhr dieses Computers richtig?)"},
		{"the connection was closed before an answer arrived", "Die Verbindung wurde geschlossen, bevor eine Antwort kam"},
		{"stopped waiting after 1.5 s, before an answer arrived", "Warten nach 1,5 s beendet, bevor eine Antwort kam"},
		{"request to crm.example.com:443 failed: http2: server sent GOAWAY", "Anfrage an crm.example.com:443 fehlgeschlagen: http2: server sent GOAWAY"},
		{"HTTP 404 Not Found", "HTTP 404 Not Found"},
		{"HTTP 302 Found: redirect to another url not followed (hooks must point at the final URL)",
			"HTTP 302 Found: Weiterleitung auf eine andere URL nicht gefolgt (Hooks müssen auf die endgültige URL zeigen)"},
		{"opened https://crm.example.com/?phone=%2B4930123&token=*** in the default browser", "https://crm.example.com/?phone=%2B4930123&token=*** im Standardbrowser geöffnet"},
		// Text of no known format stays as it is, whole.
		{"dial tcp: lookup pbx: no such host", "dial tcp: lookup pbx: no such host"},
		{"SUBSCRIBE 1002: 403 Forbidden: subscribe rejected", "SUBSCRIBE 1002: 403 Forbidden: subscribe rejected"},
		{"is required, says who", "is required, says who"},
		{`"quoted": is required`, `"quoted": ist erforderlich`},
	}
	de, en := newTr(langGerman), newTr(langEnglish)
	for _, tt := range tests {
		if got := de.Msg(tt.in); got != tt.want {
			t.Errorf("Msg(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
		if got := en.Msg(tt.in); got != tt.in {
			t.Errorf("English Msg(%q) = %q, want it unchanged", tt.in, got)
		}
	}
}

// BenchmarkMsg translates a list of 50 rows' errors, as the Calls tab
// shows them: mostly delivery failures, some nested, some unknown.
func BenchmarkMsg(b *testing.B) {
	kinds := []string{
		"could not connect to 127.0.0.1:8099: nothing is listening there",
		"could not connect to the proxy 10.0.0.1:3128: no answer within 10 s",
		"no answer within 10 s",
		"HTTP 503 Service Unavailable: the receiver asks to retry after 2 min",
		"HTTP 404 Not Found",
		"the server's certificate is not trusted for crm.example.com: it is signed by an unknown authority (self-signed or a private CA)",
		"hook crm: render header Authorization: render template: resolve {secret.api}: secret \"api\" not found: set it with `callhook secret set api` or CALLHOOK_SECRET_API",
		`"sips:1002@pbx.example.com": leave out sips: and 1002@ (write pbx.example.com and set transport to tls)`,
		"request to crm.example.com:443 failed: http2: server sent GOAWAY and closed the connection",
		"SUBSCRIBE 1002: 403 Forbidden: subscribe rejected",
	}
	rows := make([]string, 50)
	for i := range rows {
		rows[i] = kinds[i%len(kinds)]
	}
	de := newTr(langGerman)
	de.Msg(rows[0]) // compile the catalogue outside the timing
	b.ResetTimer()
	for b.Loop() {
		for _, r := range rows {
			de.Msg(r)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(rows)), "ns/msg")
}

// TestProblemsInTheWindowsLanguage: tr.problems and tr.errText word a
// validation error in German, without changing the error, and leave
// English as the engine wrote it.
func TestProblemsInTheWindowsLanguage(t *testing.T) {
	cfg := proxyConfig()
	cfg.Source.Proxy.Upstream = ""
	cfg.Queues = []hooks.Queue{{Numbers: []string{"200"}}}
	err := cfg.Validate()
	if err == nil {
		t.Fatal("Validate = nil, want problems")
	}
	english := err.Error()
	de, en := newTr(langGerman), newTr(langEnglish)
	var got []string
	for _, p := range de.problems(err) {
		got = append(got, p.Path+" = "+p.Message)
	}
	want := []string{
		"source.proxy.upstream = Die Adresse der Telefonanlage ist im Proxy-Modus erforderlich (host oder host:port, z. B. pbx.example.com:5060)",
		"queues[0].name = ist erforderlich",
	}
	if !slices.Equal(got, want) {
		t.Errorf("German problems = %q, want %q", got, want)
	}
	if err.Error() != english {
		t.Errorf("translating changed the error to %q", err.Error())
	}
	if got, want := de.errText(err), "source.proxy.upstream: "+strings.TrimPrefix(want[0], "source.proxy.upstream = ")+"; queues[0].name: ist erforderlich"; got != want {
		t.Errorf("German errText = %q, want %q", got, want)
	}
	if got := en.errText(err); got != english {
		t.Errorf("English errText = %q, want %q", got, english)
	}
	if got := en.problems(err); !slices.Equal(got, problemsOf(err)) {
		t.Errorf("English problems = %v, want them as they are", got)
	}
	if got := de.errText(errors.New("no answer within 10 s")); got != "Keine Antwort innerhalb von 10 s" {
		t.Errorf("German errText of a plain error = %q", got)
	}
}

// TestMsgPolicyMessages: what the administrator's policy says, about
// itself (ParsePolicy), about the user's config (ValidateWith,
// PolicyWarnings, SetManagedHookOff) and about a delivery it stops
// (Dispatcher.Test), reads in German. Each case checks the engine's
// English too, so that it tests what the engine says.
func TestMsgPolicyMessages(t *testing.T) {
	const origin = "/etc/callhook/policy.json"
	parse := func(js string) error {
		t.Helper()
		_, err := hooks.ParsePolicy([]byte(js), origin)
		if err == nil {
			t.Fatalf("ParsePolicy(%s) = nil, want a problem", js)
		}
		return err
	}
	// One problem: the whole error reads in German.
	one := parse(`{"version": 1, "allowed_hosts": ["https://crm.example.com/api"]}`).Error()
	// Several: each problem by itself, as the window lists them.
	var pe *hooks.PolicyError
	if err := parse(`{"version": 1, "allowed_hosts": ["crm.example.com:443", "*.*.example.org", "crm_x.example.com", "*."],
		"provisioning_url": "http://policy.example.com/p.json"}`); !errors.As(err, &pe) {
		t.Fatalf("ParsePolicy = %v, want a *hooks.PolicyError", err)
	}
	problem := func(path string) string {
		for _, p := range pe.Problems {
			if p.Path == path {
				return p.Message
			}
		}
		t.Errorf("no policy problem at %s: %v", path, pe.Problems)
		return ""
	}
	p, err := hooks.ParsePolicy([]byte(`{"version": 1, "allowed_hosts": ["*.example.org"], "hooks": [
		{"id": "crm", "triggers": ["incoming.answer"], "action": "get", "url": "https://crm.example.org/calls"},
		{"id": "erp", "triggers": ["incoming.answer"], "action": "get", "url": "https://erp.example.com/calls"}]}`), origin)
	if err != nil {
		t.Fatal(err)
	}
	cfg := sampleConfig()
	cfg.DisabledManagedHooks = []string{"crm", "no good"}
	var ve *hooks.ValidationError
	if err := cfg.ValidateWith(p); !errors.As(err, &ve) {
		t.Fatalf("ValidateWith = %v, want problems", err)
	}
	configProblem := func(path string) string {
		for _, p := range ve.Problems {
			if p.Path == path {
				return p.Message
			}
		}
		t.Errorf("no problem at %s: %v", path, ve.Problems)
		return ""
	}
	warning := func(hook string) string {
		for _, w := range cfg.PolicyWarnings(p) {
			if w.Hook == hook {
				return w.Message
			}
		}
		t.Errorf("no policy warning for %s", hook)
		return ""
	}
	locked := cfg.SetManagedHookOff(p, "crm", true)
	unknown := cfg.SetManagedHookOff(p, "nope", true)
	if locked == nil || unknown == nil {
		t.Fatalf("SetManagedHookOff = %v, %v, want refusals", locked, unknown)
	}
	off := false
	refused := func(p *hooks.Policy) string {
		h := sampleConfig().Hooks[1]
		d := hooks.NewDispatcher(nil, sampleConfig(), hooks.WithPolicy(p), hooks.WithSecrets(hooks.MapSecrets{}),
			hooks.WithOpener(hooks.OpenerFunc(func(string) error { return nil })), hooks.WithLogger(slog.New(slog.DiscardHandler)))
		res, _ := d.Test(context.Background(), h, call.IncomingHangup)
		return res.Error
	}

	tests := []struct{ name, in, wantEN, want string }{
		{"a policy with one problem", one,
			`invalid policy /etc/callhook/policy.json: allowed_hosts[0]: "https://crm.example.com/api": write the host only, e.g. crm.example.com`,
			`Ungültige Richtlinie /etc/callhook/policy.json: allowed_hosts[0]: "https://crm.example.com/api": Schreiben Sie nur den Host, z. B. crm.example.com`},
		{"allowed host with a port", problem("allowed_hosts[0]"),
			`"crm.example.com:443": write the host without a port: every port of the host is allowed`,
			`"crm.example.com:443": Schreiben Sie den Host ohne Port: Jeder Port des Hosts ist erlaubt`},
		{"allowed host with a wildcard inside", problem("allowed_hosts[1]"),
			`"*.*.example.org": a wildcard may only begin the entry, as in *.example.org`,
			`"*.*.example.org": Das Sternchen darf nur am Anfang des Eintrags stehen, wie in *.example.org`},
		{"allowed host no host name", problem("allowed_hosts[2]"),
			`"crm_x.example.com" is not a host name (letters, digits and - between dots, e.g. crm.example.com)`,
			`"crm_x.example.com" ist kein Hostname (Buchstaben, Ziffern und - zwischen Punkten, z. B. crm.example.com)`},
		{"allowed host a bare wildcard", problem("allowed_hosts[3]"),
			`"*.": name a host (crm.example.com) or a domain's hosts (*.example.org)`,
			`"*.": Nennen Sie einen Host (crm.example.com) oder die Hosts einer Domain (*.example.org)`},
		{"provisioning url over http", problem("provisioning_url"),
			`"http://policy.example.com/p.json" must be an https URL: a policy decides where calls are sent, and must not be open to tampering on the way`,
			`"http://policy.example.com/p.json" muss eine https-URL sein: Eine Richtlinie bestimmt, wohin Anrufe gesendet werden, und darf unterwegs nicht manipulierbar sein`},
		{"user hook host not allowed", configProblem("hooks[log].url"),
			`host "crm.example.com" is not in allowed_hosts of the policy /etc/callhook/policy.json (allowed: *.example.org)`,
			`Der Host "crm.example.com" steht nicht in allowed_hosts der Richtlinie /etc/callhook/policy.json (erlaubt: *.example.org)`},
		{"user hook with a managed id", configProblem("hooks[crm].id"),
			`"crm" is the id of a hook managed by the policy /etc/callhook/policy.json: give your hook another id`,
			`"crm" ist die ID eines Hooks, den die Richtlinie /etc/callhook/policy.json verwaltet: Geben Sie Ihrem Hook eine andere ID`},
		{"disabled managed hook no id", configProblem("disabled_managed_hooks[1]"),
			`"no good" is not a hook id (letters, digits, - and _)`,
			`"no good" ist keine Hook-ID (Buchstaben, Ziffern, - und _)`},
		{"managed hook stays on", warning("crm"),
			`managed hook "crm" stays on: the policy /etc/callhook/policy.json does not let you switch it off`,
			`Der verwaltete Hook "crm" bleibt eingeschaltet: Die Richtlinie /etc/callhook/policy.json erlaubt Ihnen nicht, ihn abzuschalten`},
		{"managed hook never sent", warning("erp"),
			`managed hook "erp" is never sent: host "erp.example.com" is not in allowed_hosts of the policy /etc/callhook/policy.json (allowed: *.example.org)`,
			`Der verwaltete Hook "erp" wird nie gesendet: Der Host "erp.example.com" steht nicht in allowed_hosts der Richtlinie /etc/callhook/policy.json (erlaubt: *.example.org)`},
		{"switch a locked managed hook off", locked.Error(),
			`managed hook "crm": the policy does not let the user switch this hook off (/etc/callhook/policy.json)`,
			`Verwalteter Hook "crm": Die Richtlinie erlaubt dem Benutzer nicht, diesen Hook abzuschalten (/etc/callhook/policy.json)`},
		{"switch an unknown managed hook off", unknown.Error(),
			`managed hook "nope": no managed hook with this id`,
			`Verwalteter Hook "nope": Kein verwalteter Hook mit dieser ID`},
		{"delivery to a host not allowed", refused(p),
			`hook log: host "crm.example.com" is not in allowed_hosts of the policy /etc/callhook/policy.json (allowed: *.example.org): no request sent`,
			`Hook log: Der Host "crm.example.com" steht nicht in allowed_hosts der Richtlinie /etc/callhook/policy.json (erlaubt: *.example.org): Keine Anfrage gesendet`},
		{"delivery with no host allowed", refused(&hooks.Policy{AllowedHosts: []string{}, Origin: origin}),
			`hook log: host "crm.example.com" is not in allowed_hosts of the policy /etc/callhook/policy.json (allowed: none): no request sent`,
			`Hook log: Der Host "crm.example.com" steht nicht in allowed_hosts der Richtlinie /etc/callhook/policy.json (erlaubt: keine): Keine Anfrage gesendet`},
		{"delivery with hooks off", refused(&hooks.Policy{HooksEnabled: &off, Origin: origin}),
			`hook log: hooks are switched off by the policy /etc/callhook/policy.json: nothing is sent`,
			`Hook log: Hooks abgeschaltet durch die Richtlinie /etc/callhook/policy.json: Es wird nichts gesendet`},
	}
	de := newTr(langGerman)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.in != tt.wantEN {
				t.Fatalf("the engine says %q, want %q", tt.in, tt.wantEN)
			}
			if got := de.Msg(tt.in); got != tt.want {
				t.Errorf("Msg(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}
