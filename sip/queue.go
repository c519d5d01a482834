package sip

import (
	"strings"
)

// QueueRule classifies an incoming call as a call of the named queue. A
// call matches when one of its target numbers is in Numbers, when the
// caller's display name starts with DisplayPrefix, or when the initial
// INVITE carries Header (its value, if any, must name the queue or be one
// of Numbers; an empty value matches any).
type QueueRule struct {
	Name          string
	Numbers       []string
	DisplayPrefix string
	Header        string
}

// classify returns the first rule o matches.
func classify(rules []QueueRule, o Observation) (QueueRule, bool) {
	for _, r := range rules {
		if r.matches(o) {
			return r, true
		}
	}
	return QueueRule{}, false
}

// queueNamed returns the rule called name.
func queueNamed(rules []QueueRule, name string) (QueueRule, bool) {
	for _, r := range rules {
		if r.Name == name {
			return r, true
		}
	}
	return QueueRule{}, false
}

func (r QueueRule) matches(o Observation) bool {
	for _, n := range r.Numbers {
		if n == "" {
			continue
		}
		if o.Callee.Number == n {
			return true
		}
		for _, t := range o.Targets {
			if t == n {
				return true
			}
		}
	}
	if r.DisplayPrefix != "" && strings.HasPrefix(o.Caller.Name, r.DisplayPrefix) {
		return true
	}
	if r.Header != "" {
		v, ok := o.Headers[strings.ToLower(r.Header)]
		if ok {
			v = strings.TrimSpace(v)
			if v == "" || strings.EqualFold(v, r.Name) {
				return true
			}
			for _, n := range r.Numbers {
				if v == n {
					return true
				}
			}
		}
	}
	return false
}
