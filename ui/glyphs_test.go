package ui

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"golang.org/x/image/font/sfnt"

	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/templates"
)

// notDrawn are runes in the package's literals that the window never
// draws: the look-alikes sanitizeNotice puts into notifications, which
// the notification server draws in a font of its own.
var notDrawn = map[rune]string{'＆': "sanitizeNotice"}

// Every character the window draws of its own must be in fyne's bundled
// fonts: where the system has no fallback font (the Windows build), a
// missing one shows as �. That is every English message and German
// translation (of the engine's messages too), every other non-ASCII
// character in the package's string literals (separators such as · and
// —, ellipses, the look-alikes), and the texts of other packages the
// window shows as they are: the placeholder menu and the presets.
func TestBundledFontsHaveEveryGlyph(t *testing.T) {
	texts := map[string]string{} // text -> where it comes from
	for _, m := range messages(t) {
		texts[m] = "message id"
	}
	for k, v := range german {
		texts[v] = fmt.Sprintf("German for %q", k)
	}
	for k, v := range germanMsgs {
		texts[v] = fmt.Sprintf("German for the engine's %q", k)
	}
	for lit, where := range nonASCIILiterals(t) {
		texts[lit] = where
	}
	for _, p := range templates.Available(nil) {
		texts[p.Token+"   "+p.Description] = "placeholder " + p.Token
	}
	for _, p := range hooks.Presets() {
		texts[p.Vendor+": "+p.Note+" "+p.Source] = "preset " + p.Name
		for _, pp := range p.ParamInfo() {
			texts[pp.Name+" "+pp.Help+" "+pp.Default] = "preset " + p.Name + " parameter " + pp.Name
		}
	}
	if len(texts) < 100 {
		t.Fatalf("only %d texts found: the collection is broken", len(texts))
	}

	th := theme.DefaultTheme()
	for _, style := range []fyne.TextStyle{{}, {Bold: true}, {Monospace: true}} {
		res := th.Font(style)
		f, err := sfnt.Parse(res.Content())
		if err != nil {
			t.Fatalf("font %s: %v", res.Name(), err)
		}
		var buf sfnt.Buffer
		missing := map[rune][]string{}
		for text, where := range texts {
			for _, r := range text {
				if unicode.IsControl(r) || notDrawn[r] != "" {
					continue
				}
				if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
					missing[r] = append(missing[r], where)
				}
			}
		}
		for r, wheres := range missing {
			sort.Strings(wheres)
			t.Errorf("%s has no glyph for %q (%U), used by %s", res.Name(), r, r, strings.Join(wheres, "; "))
		}
	}
}

// nonASCIILiterals returns the package's string and rune literals that
// hold a non-ASCII character, with where each is.
func nonASCIILiterals(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || (lit.Kind != token.STRING && lit.Kind != token.CHAR) {
				return true
			}
			var s string
			if lit.Kind == token.CHAR {
				r, _, _, err := strconv.UnquoteChar(strings.Trim(lit.Value, "'"), '\'')
				if err != nil {
					t.Fatalf("%s: %v", fset.Position(lit.Pos()), err)
				}
				s = string(r)
			} else if s, err = strconv.Unquote(lit.Value); err != nil {
				t.Fatalf("%s: %v", fset.Position(lit.Pos()), err)
			}
			if strings.ContainsFunc(s, func(r rune) bool { return r > unicode.MaxASCII }) {
				out[s] = fset.Position(lit.Pos()).String()
			}
			return true
		})
	}
	return out
}
