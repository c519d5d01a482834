package hooks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/callhook/callhook/call"
)

// ConfigEnv overrides the default config path.
const ConfigEnv = "CALLHOOK_CONFIG"

// Default returns the config a first start runs with: the global switch
// on, no call source, no hooks.
func Default() *Config {
	return &Config{
		Version: ConfigVersion,
		Enabled: true,
		Source:  Source{Mode: SourceNone},
		Hooks:   []Hook{},
	}
}

// DefaultPath returns $CALLHOOK_CONFIG, else
// <os.UserConfigDir>/callhook/config.json.
func DefaultPath() (string, error) {
	if p := os.Getenv(ConfigEnv); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find config dir (set %s): %w", ConfigEnv, err)
	}
	return filepath.Join(dir, "callhook", "config.json"), nil
}

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
	if err := check(tree, reflect.TypeFor[Config](), ""); err != nil {
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

// check walks a decoded JSON tree alongside the Go type it will fill and
// reports the first unknown key or mistyped value by its JSON path.
// encoding/json's DisallowUnknownFields cannot say where the key was.
func check(v any, t reflect.Type, path string) error {
	if v == nil {
		return nil // null leaves the zero value
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	where := path
	if where == "" {
		where = "the config"
	}
	bad := func(want string) error {
		return fmt.Errorf("%s: want %s, not %s", where, want, describe(v))
	}
	if t == durationType {
		s, ok := v.(string)
		if !ok {
			return bad(`a duration such as "10s"`)
		}
		if _, err := time.ParseDuration(s); err != nil {
			return fmt.Errorf("%s: %q is not a duration: write e.g. \"10s\" or \"1m30s\"", where, s)
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return bad("an object")
		}
		fields := jsonFields(t)
		for _, k := range sortedKeys(obj) {
			f, ok := fields[k]
			if !ok {
				return fmt.Errorf("%s: unknown key%s", join(path, k), suggest(k, fields))
			}
			if err := check(obj[k], f.Type, join(path, k)); err != nil {
				return err
			}
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return bad("an object")
		}
		for _, k := range sortedKeys(obj) {
			if err := check(obj[k], t.Elem(), path+"["+strconv.Quote(k)+"]"); err != nil {
				return err
			}
		}
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			return bad("a list")
		}
		for i, e := range arr {
			if err := check(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			if t == triggerType {
				return bad("a trigger name such as \"incoming.answer\"")
			}
			return bad("a string")
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return bad("true or false")
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, ok := v.(json.Number)
		if !ok {
			return bad("a whole number")
		}
		i, err := n.Int64()
		if err != nil || i > math.MaxInt32 || i < math.MinInt32 {
			return bad("a whole number")
		}
	}
	return nil
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

// Save validates c and writes it to path atomically: a temp file in the
// same directory, fsynced, then renamed over path, so a crash leaves the
// old file or the new one, never half of one. The directory is created
// 0700 and the file is 0600: it names hosts and secret names.
func Save(path string, c *Config) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("save config: %w", err)
	}
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("encode config: %w", err)
	}
	data = append(data, '\n')
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create config dir: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temp config: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("chmod temp config: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write temp config: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync temp config: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close temp config: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace config: %w", err)
	}
	ok = true
	// Persist the rename itself; not every platform can sync a directory.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// IsNotExist reports whether err says the config file does not exist.
func IsNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
