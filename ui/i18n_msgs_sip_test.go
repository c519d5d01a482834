package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// statusSources are where the call source's status is worded: package
// sip and the engine that runs it (internal/engine says "no call
// source").
var statusSources = []string{"../sip", "../internal/engine"}

// statusFuncs hand their argument (by index) on as a status detail or
// keepalive outcome.
var statusFuncs = map[string]int{
	"fail":              0, // Proxy.Run: the detail of a failed start
	"keepaliveAnswered": 1, // Dialog: the keepalive's outcome
}

// keepaliveFuncs return a keepalive's outcome.
var keepaliveFuncs = map[string]bool{"pbxLeg.keepalive": true}

// collectStatusTexts finds the text of every Detail and Keepalive the
// source writes: the values of those fields in a composite literal or an
// assignment, the arguments of statusFuncs, the results of
// keepaliveFuncs and the ka* constants. A fmt.Sprintf gives its format,
// a literal itself, a + concatenation its literal operands (fragments).
func collectStatusTexts(t *testing.T) engineTexts {
	t.Helper()
	out := engineTexts{formats: map[string]string{}, fragments: map[string]string{}}
	fset := token.NewFileSet()
	c := &textCollector{t: t, fset: fset, out: out}
	take := func(e ast.Expr) {
		switch e := e.(type) {
		case *ast.CallExpr:
			if isFormatCall(e) && len(e.Args) > 0 {
				c.format(e.Args[0], true)
			}
		case *ast.BinaryExpr:
			for _, op := range concatOperands(e) {
				if lit, ok := op.(*ast.BasicLit); ok {
					c.fragment(lit)
				} else if id, ok := op.(*ast.Ident); ok && strings.HasPrefix(id.Name, "ka") {
					continue // a ka* constant, collected with the constants
				}
			}
		case *ast.BasicLit:
			c.format(e, true)
		}
	}
	for _, dir := range statusSources {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no sources in %s: %v", dir, err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && keepaliveFuncs[funcName(fd)] && fd.Body != nil {
					ast.Inspect(fd.Body, func(n ast.Node) bool {
						if r, ok := n.(*ast.ReturnStmt); ok {
							for _, e := range r.Results {
								take(e)
							}
						}
						return true
					})
				}
				if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.CONST {
					for _, s := range gd.Specs {
						vs := s.(*ast.ValueSpec)
						for i, n := range vs.Names {
							if strings.HasPrefix(n.Name, "ka") && i < len(vs.Values) {
								c.fragment(vs.Values[i])
							}
						}
					}
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.KeyValueExpr:
					if id, ok := n.Key.(*ast.Ident); ok && (id.Name == "Detail" || id.Name == "Keepalive") {
						take(n.Value)
					}
				case *ast.AssignStmt:
					for i, l := range n.Lhs {
						if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == "Detail" && i < len(n.Rhs) {
							take(n.Rhs[i])
						}
					}
				case *ast.CallExpr:
					var name string
					switch fn := n.Fun.(type) {
					case *ast.Ident:
						name = fn.Name
					case *ast.SelectorExpr:
						name = fn.Sel.Name
					}
					if i, ok := statusFuncs[name]; ok && i < len(n.Args) {
						take(n.Args[i])
					}
				}
				return true
			})
		}
	}
	return out
}

// TestGermanSipMsgsCoverTheStatus fails for each detail or keepalive
// text of the call source that germanSipMsgs lacks (so a new one cannot
// reach the German Settings tab in English), for an entry whose English
// the source no longer writes, for a malformed entry and for one that
// germanMsgs has too.
func TestGermanSipMsgsCoverTheStatus(t *testing.T) {
	c := collectStatusTexts(t)
	if len(c.formats) < 10 || len(c.fragments) < 4 {
		t.Fatalf("found %d formats and %d fragments: the collector is broken", len(c.formats), len(c.fragments))
	}
	for f, at := range sortedMap(c.formats) {
		if _, ok := germanSipMsgs[f]; !ok {
			t.Errorf("%s: no German for the status text %q", at, f)
		}
	}
	for f, at := range sortedMap(c.fragments) {
		covered := false
		for k := range germanSipMsgs {
			if strings.Contains(k, f) || strings.Contains(k, strings.TrimSpace(f)) {
				covered = true
				break
			}
		}
		if !covered {
			t.Errorf("%s: %q is part of a status text, but of no entry in germanSipMsgs", at, f)
		}
	}
	var src strings.Builder
	for _, dir := range statusSources {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, name := range files {
			if !strings.HasSuffix(name, "_test.go") {
				b, err := os.ReadFile(name)
				if err != nil {
					t.Fatal(err)
				}
				src.Write(b)
			}
		}
	}
	for en := range sortedMap(germanSipMsgs) {
		for _, piece := range literalPieces(en) {
			if !strings.Contains(src.String(), piece) {
				t.Errorf("germanSipMsgs has %q, but the source writes no %q", en, piece)
			}
		}
		if _, ok := germanMsgs[en]; ok {
			t.Errorf("%q is in germanMsgs and germanSipMsgs", en)
		}
	}
	if _, errs := compileMsgs(germanSipMsgs); len(errs) > 0 {
		for _, err := range errs {
			t.Error(err)
		}
	}
}

// The Settings tab's status line reads German in a German window: the
// detail, the error and the keepalive; English stays as it was.
func TestSourceStatusInGerman(t *testing.T) {
	de, en := newTr(langGerman), newTr(langEnglish)
	tests := []struct {
		st   SourceStatus
		want []string
	}{
		{SourceStatus{State: "off", Detail: "no call source (source mode none)"},
			[]string{"keine Anrufquelle (Quellmodus „none“)"}},
		{SourceStatus{State: "listening", Detail: "softphones: 127.0.0.1:5070 (udp, tcp) · PBX: pbx.example:5060",
			Keepalive: "no answer within 5s from pbx.example:5060"},
			[]string{"Softphones: 127.0.0.1:5070 (UDP, TCP) · Telefonanlage: pbx.example:5060",
				"keine Antwort von pbx.example:5060 innerhalb von 5s"}},
		{SourceStatus{State: "starting", Detail: "2 of 3 extensions subscribed", Keepalive: "answered"},
			[]string{"2 von 3 Nebenstellen abonniert", "beantwortet"}},
		{SourceStatus{State: "error", Detail: "cannot listen on 127.0.0.1:5070",
			Err: "run proxy: listen udp 127.0.0.1:5070: bind: address already in use: another program uses it; set source.proxy.listen to a free address"},
			[]string{"auf 127.0.0.1:5070 lässt sich nicht lauschen",
				"Proxy: listen udp 127.0.0.1:5070: bind: address already in use: ein anderes Programm nutzt sie"}},
	}
	for _, tt := range tests {
		got := statusText(de, tt.st)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("German status of %+v:\n%s\nlacks %q", tt.st, got, w)
			}
		}
		if en := statusText(en, tt.st); !strings.Contains(en, tt.st.Detail) {
			t.Errorf("English status %q lost the detail %q", en, tt.st.Detail)
		}
	}
}
