package hooks

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/callhook/callhook/call"
)

// Load reads the config file at path strictly: a syntax error names its
// line and column, an unknown key or a value of the wrong type names its
// JSON path (hooks[1].tmeout). A missing file is an error wrapping
// fs.ErrNotExist, so callers can start with Default. Load does not
// validate: call Validate.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	c, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// decode parses a config file's bytes strictly.
func decode(data []byte) (*Config, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, syntaxError(data, err)
	}
	if _, err := dec.Token(); err == nil {
		return nil, fmt.Errorf("%s: unexpected data after the top-level object", lineCol(data, dec.InputOffset()-1))
	}
	if _, ok := tree.(map[string]any); !ok {
		return nil, errors.New("the config must be a JSON object")
	}
	s := strict{pos: positions(data)}
	s.check(tree, reflect.TypeFor[Config](), "", "")
	if err := s.result(data); err != nil {
		return nil, err
	}
	var c Config
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, syntaxError(data, err)
	}
	return &c, nil
}

// syntaxError turns a decoding error into one naming line and column.
func syntaxError(data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("%s: %w", lineCol(data, se.Offset-1), err)
	case errors.As(err, &te):
		return fmt.Errorf("%s: %s: want %s, not %s", lineCol(data, te.Offset), te.Field, te.Type, te.Value)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the file is empty or ends early: want a JSON object")
	}
	return err
}

// lineCol formats the position of the byte at index off as
// "line L, column C", both counted from 1. encoding/json's offsets count
// the bytes read, the offending one included: callers pass offset-1.
func lineCol(data []byte, off int64) string {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}

var (
	durationType = reflect.TypeFor[Duration]()
	triggerType  = reflect.TypeFor[call.Trigger]()
)

// strict walks a decoded JSON tree alongside the Go type it will fill and
// collects every unknown key and mistyped value by its JSON path.
// encoding/json's DisallowUnknownFields stops at the first and cannot say
// where it was.
type strict struct {
	pos  map[string]int64 // where each key or element starts, by position key
	errs []posError
}

type posError struct {
	key string // position key: path segments joined by "\x00"
	msg string
}

// maxLoadErrors bounds the list: a file of the wrong shape altogether
// would otherwise yield one line per key.
const maxLoadErrors = 20

func (s *strict) fail(key, format string, args ...any) {
	if len(s.errs) < maxLoadErrors {
		s.errs = append(s.errs, posError{key: key, msg: fmt.Sprintf(format, args...)})
	}
}

func (s *strict) error(data []byte, i int) error {
	e := s.errs[i]
	if off, ok := s.pos[e.key]; ok {
		return fmt.Errorf("%s: %s", lineCol(data, off), e.msg)
	}
	return errors.New(e.msg)
}

// check walks v, to be decoded into t, at JSON path path (for the user)
// and position key key (for positions).
func (s *strict) check(v any, t reflect.Type, path, key string) {
	if v == nil {
		return // null leaves the zero value
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	where := path
	if where == "" {
		where = "the config"
	}
	bad := func(want string) {
		s.fail(key, "%s: want %s, not %s", where, want, describe(v))
	}
	if t == durationType {
		str, ok := v.(string)
		if !ok {
			bad(`a duration such as "10s"`)
		} else if _, err := time.ParseDuration(str); err != nil {
			s.fail(key, "%s: %q is not a duration: write e.g. \"10s\" or \"1m30s\"", where, str)
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			bad("an object")
			return
		}
		fields := jsonFields(t)
		for _, k := range sortedKeys(obj) {
			f, ok := fields[k]
			if !ok {
				s.fail(key+"\x00"+k, "%s: unknown key%s", join(path, k), suggest(k, fields))
				continue
			}
			s.check(obj[k], f.Type, join(path, k), key+"\x00"+k)
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			bad("an object")
			return
		}
		for _, k := range sortedKeys(obj) {
			s.check(obj[k], t.Elem(), path+"["+strconv.Quote(k)+"]", key+"\x00"+k)
		}
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			bad("a list")
			return
		}
		for i, e := range arr {
			s.check(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i), fmt.Sprintf("%s\x00#%d", key, i))
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			if t == triggerType {
				bad("a trigger name such as \"incoming.answer\"")
			} else {
				bad("a string")
			}
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			bad("true or false")
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, ok := v.(json.Number)
		if !ok {
			bad("a whole number")
			return
		}
		if i, err := n.Int64(); err != nil || i > math.MaxInt32 || i < math.MinInt32 {
			bad("a whole number")
		}
	}
}

// positions maps the position key of every object member and list
// element of a syntactically valid document to the offset where it
// starts, so that errors found on the decoded tree can name a line.
func positions(data []byte) map[string]int64 {
	pos := map[string]int64{}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	start := func(off int64) int64 {
		for off < int64(len(data)) && strings.IndexByte(" \t\r\n,:", data[off]) >= 0 {
			off++
		}
		return off
	}
	var walk func(key string) bool
	walk = func(key string) bool {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'):
			for dec.More() {
				off := start(dec.InputOffset())
				k, err := dec.Token()
				if err != nil {
					return false
				}
				ks, _ := k.(string)
				pos[key+"\x00"+ks] = off
				if !walk(key + "\x00" + ks) {
					return false
				}
			}
			_, err = dec.Token()
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				k := fmt.Sprintf("%s\x00#%d", key, i)
				pos[k] = start(dec.InputOffset())
				if !walk(k) {
					return false
				}
			}
			_, err = dec.Token()
		}
		return err == nil
	}
	walk("")
	return pos
}

// jsonFields maps the JSON names of t's exported fields to the fields.
func jsonFields(t reflect.Type) map[string]reflect.StructField {
	m := make(map[string]reflect.StructField, t.NumField())
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f
	}
	return m
}

// suggest names a known key that differs from k only by case or a
// typo-sized edit, for "unknown key (did you mean timeout?)".
func suggest(k string, fields map[string]reflect.StructField) string {
	best, bestD := "", 3
	for name := range fields {
		if d := editDistance(strings.ToLower(k), name); d < bestD || (d == bestD && name < best) {
			best, bestD = name, d
		}
	}
	if best == "" {
		return ""
	}
	return " (did you mean " + strconv.Quote(best) + "?)"
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func describe(v any) string {
	switch v := v.(type) {
	case string:
		return "a string " + strconv.Quote(v)
	case json.Number:
		return "the number " + v.String()
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// result is the error of the problems found, in the order they stand in
// data: the one problem, or all of them in one message; nil for none.
func (s *strict) result(data []byte) error {
	slices.SortStableFunc(s.errs, func(a, b posError) int { return cmp.Compare(s.pos[a.key], s.pos[b.key]) })
	switch len(s.errs) {
	case 0:
		return nil
	case 1:
		return s.error(data, 0)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d problems:", len(s.errs))
	for i := range s.errs {
		b.WriteString("\n  " + s.error(data, i).Error())
	}
	return errors.New(b.String())
}
