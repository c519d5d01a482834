package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// messages returns every string literal passed as the first argument of a
// T or Tf call in the package's non-test sources: the GUI's English text.
func messages(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		// i18n.go holds the translator itself.
		if strings.HasSuffix(name, "_test.go") || name == "i18n.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok || len(c.Args) == 0 {
				return true
			}
			sel, ok := c.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "T" && sel.Sel.Name != "Tf") {
				return true
			}
			lit, ok := c.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: %s called with a non-literal: the catalogue cannot be checked", fset.Position(c.Pos()), sel.Sel.Name)
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			seen[s] = true
			return true
		})
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func TestGermanHasEveryEnglishString(t *testing.T) {
	msgs := messages(t)
	if len(msgs) < 50 {
		t.Fatalf("found only %d messages: the scanner is broken", len(msgs))
	}
	used := map[string]bool{}
	for _, m := range msgs {
		used[m] = true
		de, ok := german[m]
		switch {
		case !ok:
			t.Errorf("no German for %q", m)
		case strings.TrimSpace(de) == "":
			t.Errorf("empty German for %q", m)
		case strings.Count(de, "%") != strings.Count(m, "%"):
			t.Errorf("German for %q has different format verbs: %q", m, de)
		}
	}
	for k := range german {
		if !used[k] {
			t.Errorf("German entry %q is not used by any T or Tf call", k)
		}
	}
}

func TestSystemLanguage(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		os   string
		want string
	}{
		{"LANG German", map[string]string{"LANG": "de_DE.UTF-8"}, "en-US", langGerman},
		{"LC_ALL wins over LANG", map[string]string{"LC_ALL": "en_GB.UTF-8", "LANG": "de_DE.UTF-8"}, "de-DE", langEnglish},
		{"LC_MESSAGES wins over LANG", map[string]string{"LC_MESSAGES": "de_AT", "LANG": "en_US"}, "", langGerman},
		{"C locale is English", map[string]string{"LANG": "C"}, "de-DE", langEnglish},
		{"no env asks the OS", nil, "de-CH", langGerman},
		{"unknown language is English", map[string]string{"LANG": "fr_FR.UTF-8"}, "", langEnglish},
		{"dense is not German", map[string]string{"LANG": "dense"}, "", langEnglish},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := systemLanguage(func(k string) string { return tt.env[k] }, func() string { return tt.os })
			if got != tt.want {
				t.Errorf("systemLanguage = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTranslatorFallsBackToEnglish(t *testing.T) {
	de := newTr(langGerman)
	if got := de.T("Hooks"); got != german["Hooks"] {
		t.Errorf("T(Hooks) = %q, want %q", got, german["Hooks"])
	}
	if got := de.T("not in the catalogue"); got != "not in the catalogue" {
		t.Errorf("unknown message = %q, want it unchanged", got)
	}
	if got := newTr(langEnglish).T("Hooks"); got != "Hooks" {
		t.Errorf("English T(Hooks) = %q", got)
	}
}
