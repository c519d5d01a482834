package hooks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
)

// LoadPolicy reads, decodes and validates the policy file at path. A
// missing file is an error wrapping fs.ErrNotExist: the system path
// without a file means no policy.
func LoadPolicy(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read policy: %w", err)
	}
	return ParsePolicy(data, path)
}

// ParsePolicy decodes a policy strictly, as Load does a config (an
// unknown key or a value of the wrong type is an error naming its line
// and JSON path), and validates it. origin names it in errors and in the
// Policy.
func ParsePolicy(data []byte, origin string) (*Policy, error) {
	p, err := decodePolicy(data)
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", origin, err)
	}
	p.Origin = origin
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// policyShape is what the strict walk checks a policy's keys against,
// but for its hooks: a managed hook is a hook plus user_can_disable,
// which the walk takes apart itself.
type policyShape struct {
	Version                 int      `json:"version"`
	HooksEnabled            *bool    `json:"hooks_enabled"`
	AllowedHosts            []string `json:"allowed_hosts"`
	Source                  *Source  `json:"source"`
	Hooks                   []any    `json:"hooks"`
	ProvisioningURL         string   `json:"provisioning_url"`
	ProvisioningTokenSecret string   `json:"provisioning_token_secret"`
}

// decodePolicy parses a policy's bytes strictly.
func decodePolicy(data []byte) (*Policy, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, syntaxError(data, err)
	}
	if _, err := dec.Token(); err == nil {
		return nil, fmt.Errorf("%s: unexpected data after the top-level object", lineCol(data, dec.InputOffset()-1))
	}
	obj, ok := tree.(map[string]any)
	if !ok {
		return nil, errors.New("the policy must be a JSON object")
	}
	s := strict{pos: positions(data)}
	rest := make(map[string]any, len(obj))
	for k, v := range obj {
		if k != "hooks" {
			rest[k] = v
		}
	}
	s.check(rest, reflect.TypeFor[policyShape](), "", "")
	if v, ok := obj["hooks"]; ok && v != nil {
		s.checkManaged(v)
	}
	if err := s.result(data); err != nil {
		return nil, err
	}
	var p Policy
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, syntaxError(data, err)
	}
	return &p, nil
}

// checkManaged walks the policy's hooks: each a hook, plus
// user_can_disable.
func (s *strict) checkManaged(v any) {
	list, ok := v.([]any)
	if !ok {
		s.fail("\x00hooks", "hooks: want a list, not %s", describe(v))
		return
	}
	for i, e := range list {
		path, key := fmt.Sprintf("hooks[%d]", i), fmt.Sprintf("\x00hooks\x00#%d", i)
		obj, ok := e.(map[string]any)
		if !ok {
			s.fail(key, "%s: want an object, not %s", path, describe(e))
			continue
		}
		h := make(map[string]any, len(obj))
		for k, v := range obj {
			if k != "user_can_disable" {
				h[k] = v
			}
		}
		if v, ok := obj["user_can_disable"]; ok && v != nil {
			s.check(v, reflect.TypeFor[bool](), path+".user_can_disable", key+"\x00user_can_disable")
		}
		s.check(h, reflect.TypeFor[Hook](), path, key)
	}
}
