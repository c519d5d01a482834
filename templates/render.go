package templates

import (
	"fmt"
	"strings"
)

// escaper writes the value of the template's i-th part for its context.
type escaper func(i int, v value) string

// render substitutes every placeholder of t, escaped by esc. When starts
// is not nil it receives where each part begins in the output, so that
// an error in the output can be traced to the template.
func (t *Template) render(d *Data, esc escaper, starts *[]int) (string, error) {
	var b strings.Builder
	b.Grow(len(t.src) + 32)
	for i, p := range t.parts {
		if starts != nil {
			*starts = append(*starts, b.Len())
		}
		if !p.isRef {
			b.WriteString(p.lit)
			continue
		}
		v, err := resolve(p.ref, d)
		if err != nil {
			return "", fmt.Errorf("render template: %w", err)
		}
		b.WriteString(esc(i, v))
	}
	return b.String(), nil
}

// Render renders t as plain text (no escaping): for logs and previews only.
func (t *Template) Render(d Data) (string, error) {
	return t.render(&d, func(_ int, v value) string { return v.s }, nil)
}

// RenderHeader renders t as an HTTP header value: control characters
// (CR, LF, NUL, ...) removed from every placeholder value.
func (t *Template) RenderHeader(d Data) (string, error) {
	return t.render(&d, func(_ int, v value) string { return cleanHeader(v.s) }, nil)
}
