package sip

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/callhook/callhook/call"
	sipmsg "github.com/emiago/sipgo/sip"
)

// A restart of Callhook (or a changed source setting) must not cut the
// softphones off: the PBX keeps routing their calls to the contact we
// registered, and a softphone re-registers only when its registration
// runs out, often after an hour. So the proxy keeps in a file what
// routing back needs: the bindings with their last REGISTER, the calls
// in progress with the softphone's flow, and the PBX leg's port.

const stateVersion = 1

type proxyState struct {
	Version    int                   `json:"version"`
	PBXPort    int                   `json:"pbx_port"`
	Advertised []string              `json:"advertised,omitempty"`
	Bindings   []savedBinding        `json:"bindings,omitempty"`
	Regs       map[string]*storedReg `json:"registrations,omitempty"`
	Calls      []savedCall           `json:"calls,omitempty"`
}

type savedBinding struct {
	Token   string    `json:"token"`
	AOR     string    `json:"aor"`
	CallID  string    `json:"call_id"`
	Contact string    `json:"contact"`
	Flow    flow      `json:"flow"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

type savedCall struct {
	Call     call.Call `json:"call"`
	FromTag  string    `json:"from_tag"`
	CSeq     uint32    `json:"cseq"`
	Phone    flow      `json:"phone"`
	Answered bool      `json:"answered,omitempty"`
}

// loadState reads the state file; a missing or unreadable one is an
// empty start.
func (p *Proxy) loadState() *proxyState {
	if p.statePath == "" {
		return nil
	}
	b, err := os.ReadFile(p.statePath)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			p.log.Warn("sip proxy: read state", "error", err)
		}
		return nil
	}
	var st proxyState
	if err := json.Unmarshal(b, &st); err != nil || st.Version != stateVersion {
		p.log.Warn("sip proxy: state file ignored", "path", p.statePath, "error", err)
		return nil
	}
	return &st
}

// restoreState puts bindings and calls of st back, dropping what lapsed.
func (p *Proxy) restoreState(st *proxyState) {
	if st == nil {
		return
	}
	now := time.Now()
	r := p.regs
	r.mu.Lock()
	for _, sb := range st.Bindings {
		if !sb.Expires.After(now) {
			continue
		}
		var u sipmsg.Uri
		if err := sipmsg.ParseUri(sb.Contact, &u); err != nil {
			continue
		}
		r.byToken[sb.Token] = &binding{token: sb.Token, aor: sb.AOR, callID: sb.CallID, contact: u,
			flow: sb.Flow, created: sb.Created, expires: sb.Expires}
		r.regSeen[sb.CallID] = now
	}
	for id, s := range st.Regs {
		r.regs[id] = s
	}
	r.mu.Unlock()
	o := p.calls
	for _, sc := range st.Calls {
		if sc.Answered && now.Sub(sc.Call.Answer) > maxTalk {
			continue
		}
		o.mu.Lock()
		l := &leg{dir: sc.Call.Direction, fromTag: sc.FromTag, cseq: sc.CSeq, phone: sc.Phone,
			answered: sc.Answered, answerAt: sc.Call.Answer}
		if !sc.Answered {
			l.deadline, l.onDeadline = now.Add(o.ringTimeout), call.Missed
		}
		o.legs[sc.Call.ID] = l
		o.mu.Unlock()
		p.tr.Restore(sc.Call)
	}
	p.log.Info("sip proxy: state restored", "bindings", len(st.Bindings), "calls", len(st.Calls))
}

// saveState writes the state file atomically, readable by the user only.
func (p *Proxy) saveState() {
	if p.statePath == "" || p.pbx == nil {
		return
	}
	st := proxyState{Version: stateVersion, PBXPort: portOf(p.pbx.udp.LocalAddr().String()), Regs: map[string]*storedReg{}}
	p.pbx.mu.Lock()
	for a := range p.pbx.history {
		st.Advertised = append(st.Advertised, a)
	}
	p.pbx.mu.Unlock()
	r := p.regs
	r.mu.Lock()
	for _, b := range r.byToken {
		if b.expires.IsZero() {
			continue
		}
		st.Bindings = append(st.Bindings, savedBinding{Token: b.token, AOR: b.aor, CallID: b.callID,
			Contact: b.contact.String(), Flow: b.flow, Created: b.created, Expires: b.expires})
	}
	for id, s := range r.regs {
		cp := *s
		st.Regs[id] = &cp
	}
	r.mu.Unlock()
	active := map[string]call.Call{}
	for _, c := range p.tr.Active() {
		active[c.ID] = c
	}
	o := p.calls
	o.mu.Lock()
	for id, l := range o.legs {
		c, ok := active[id]
		if !ok || !l.ended.IsZero() {
			continue
		}
		st.Calls = append(st.Calls, savedCall{Call: c, FromTag: l.fromTag, CSeq: l.cseq, Phone: l.phone, Answered: l.answered})
	}
	o.mu.Unlock()
	if err := writeFileAtomic(p.statePath, st); err != nil {
		p.log.Warn("sip proxy: save state", "error", err)
	}
}

func writeFileAtomic(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".proxy-state-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	return nil
}
