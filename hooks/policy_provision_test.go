package hooks

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// policyServer is a loopback HTTPS provisioning server: it serves body
// with etag, answers 304 to a matching If-None-Match, and wants the
// bearer token "tok".
type policyServer struct {
	*httptest.Server
	mu          sync.Mutex
	body, etag  string
	status      int // 0: 200
	gets, notMo int
	auth        []string
}

func newPolicyServer(t *testing.T, body, etag string) *policyServer {
	ps := &policyServer{body: body, etag: etag}
	ps.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ps.mu.Lock()
		defer ps.mu.Unlock()
		ps.gets++
		ps.auth = append(ps.auth, r.Header.Get("Authorization"))
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if ps.status != 0 {
			w.WriteHeader(ps.status)
			return
		}
		if ps.etag != "" && r.Header.Get("If-None-Match") == ps.etag {
			ps.notMo++
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if ps.etag != "" {
			w.Header().Set("ETag", ps.etag)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, ps.body)
	}))
	t.Cleanup(ps.Close)
	return ps
}

func (ps *policyServer) serve(body, etag string, status int) {
	ps.mu.Lock()
	ps.body, ps.etag, ps.status = body, etag, status
	ps.mu.Unlock()
}

func (ps *policyServer) counts() (gets, notModified int) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.gets, ps.notMo
}

// provisionedFile writes a policy file naming ps's URL and its token.
func provisionedFile(t *testing.T, ps *policyServer) string {
	return writePolicy(t, fmt.Sprintf(`{"allowed_hosts": ["file.example.com"], "provisioning_url": %q, "provisioning_token_secret": "prov"}`,
		ps.URL+"/callhook/policy.json"))
}

// newTestWatcher watches path with ps's certificate trusted and the
// token in the secrets.
func newTestWatcher(path, data string, ps *policyServer) *PolicyWatcher {
	return NewPolicyWatcher(PolicyOptions{Path: path, DataDir: data, Client: ps.Client(),
		Secrets: MapSecrets{"prov": "tok"}, Log: discardLogger()})
}

const remoteV1 = `{"hooks_enabled": false, "allowed_hosts": ["crm.example.com"]}`

// The provisioned policy overrides the file's keys it sets; asking again
// sends If-None-Match, and the 304 keeps the policy without a change.
func TestPolicyProvisioningETag(t *testing.T) {
	ps := newPolicyServer(t, remoteV1, `"v1"`)
	path := provisionedFile(t, ps)
	w := newTestWatcher(path, t.TempDir(), ps)
	var changes []*Policy
	w.OnChange(func(p *Policy) { changes = append(changes, p) })

	if p := w.Load(); p == nil || !p.HostAllowed("file.example.com") || !p.Enabled() {
		t.Fatalf("before the first fetch: %v, want the file's policy alone", p)
	}
	p := w.Refresh(context.Background())
	if p.Enabled() || !p.HostAllowed("crm.example.com") || p.HostAllowed("file.example.com") {
		t.Fatalf("after the fetch: %v, want hooks off and crm.example.com only", p)
	}
	if err := p.CheckURL("https://file.example.com/"); err == nil || !strings.Contains(err.Error(), ps.URL) {
		t.Errorf("the refusal does not name the URL whose allowed_hosts refused: %v", err)
	}
	st := w.Status()
	if !st.Active || st.URL != ps.URL+"/callhook/policy.json" || st.File != path || st.Fetched.IsZero() || st.Cached || st.Error != "" {
		t.Errorf("status after the fetch: %+v", st)
	}
	if !strings.Contains(st.From, path) || !strings.Contains(st.From, ps.URL) {
		t.Errorf("status From %q names neither file nor URL", st.From)
	}
	fetchedAt := st.Fetched

	again := w.Refresh(context.Background())
	if gets, notMo := ps.counts(); gets != 2 || notMo != 1 {
		t.Errorf("%d requests, %d answered 304; want 2 and 1 (If-None-Match sent)", gets, notMo)
	}
	if again != p || len(changes) != 1 {
		t.Errorf("a 304 changed the policy in force (%d changes)", len(changes))
	}
	if st := w.Status(); !st.Fetched.Equal(fetchedAt) || st.Checked.Before(fetchedAt) || st.Error != "" {
		t.Errorf("status after the 304: %+v", st)
	}
	for _, a := range ps.auth {
		if a != "Bearer tok" {
			t.Errorf("request without the bearer token: %q", a)
		}
	}

	ps.serve(`{"allowed_hosts": ["crm2.example.com"]}`, `"v2"`, 0)
	p = w.Refresh(context.Background())
	if len(changes) != 2 || changes[1] != p || !p.Enabled() || !p.HostAllowed("crm2.example.com") {
		t.Errorf("a new policy on the server: %v (%d changes), want crm2.example.com and hooks on (the file's)", p, len(changes))
	}
}

// The server down at start: the policy it served last, cached under the
// data directory, is in force, and the status says so.
func TestPolicyServerDownAtStartUsesCache(t *testing.T) {
	ps := newPolicyServer(t, remoteV1, `"v1"`)
	path := provisionedFile(t, ps)
	data := t.TempDir()
	if p := newTestWatcher(path, data, ps).Refresh(context.Background()); p.Enabled() {
		t.Fatal("first fetch not applied")
	}
	if _, err := os.Stat(filepath.Join(data, PolicyCacheFile)); err != nil {
		t.Fatalf("no cache: %v", err)
	}
	ps.Close()

	w := newTestWatcher(path, data, ps)
	p := w.Load()
	if p.Enabled() || !p.HostAllowed("crm.example.com") {
		t.Fatalf("with the server down: %v, want the cached policy", p)
	}
	p = w.Refresh(context.Background())
	if p.Enabled() || !p.HostAllowed("crm.example.com") {
		t.Errorf("after a failed fetch: %v, want the cached policy", p)
	}
	st := w.Status()
	if !st.Cached || !strings.Contains(st.From, "(cached copy)") || st.Fetched.IsZero() || st.Error == "" {
		t.Errorf("status: %+v, want the cached copy, when it was fetched, and the error", st)
	}

	// The cache is the URL's: a file naming another URL does not use it.
	other := writePolicy(t, `{"provisioning_url": "https://127.0.0.1:1/other.json"}`)
	if p := newTestWatcher(other, data, ps).Load(); !p.Enabled() {
		t.Errorf("another URL's cached policy was used: %v", p)
	}
}

// An answer that is not a valid policy, or an error status, keeps the
// last good policy (in force and in the cache) and shows in the status;
// so does a policy file broken after a good one.
func TestPolicyBadAnswerKeepsLastGood(t *testing.T) {
	ps := newPolicyServer(t, remoteV1, `"v1"`)
	path := provisionedFile(t, ps)
	data := t.TempDir()
	w := newTestWatcher(path, data, ps)
	w.Load()
	good := w.Refresh(context.Background())
	for _, tc := range []struct {
		name, body string
		status     int
		want       string
	}{
		{name: "not JSON", body: `{"hooks_enabled": fals`, want: "policy " + ps.URL},
		{name: "unknown key", body: `{"hooks_enabeld": true}`, want: `hooks_enabeld: unknown key (did you mean "hooks_enabled"?)`},
		{name: "invalid", body: `{"allowed_hosts": ["http://x/"]}`, want: "allowed_hosts[0]"},
		{name: "server error", status: http.StatusBadGateway, want: "502 Bad Gateway"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps.serve(tc.body, `"bad"`, tc.status)
			if p := w.Refresh(context.Background()); p != good {
				t.Errorf("policy in force changed to %v", p)
			}
			st := w.Status()
			if !strings.Contains(st.Error, tc.want) || !st.Active || st.Cached {
				t.Errorf("status %+v, want the last good policy and an error with %q", st, tc.want)
			}
			if p := newTestWatcher(path, data, ps).Load(); p.Enabled() || !p.HostAllowed("crm.example.com") {
				t.Errorf("the cache lost the last good policy: %v", p)
			}
		})
	}
	ps.serve(remoteV1, `"v1"`, 0)
	w.Refresh(context.Background())
	if st := w.Status(); st.Error != "" {
		t.Errorf("the error stays after a good answer: %s", st.Error)
	}

	if err := os.WriteFile(path, []byte(`{"allowed_hosts": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	if p := w.Refresh(context.Background()); p != good && (p.Enabled() || !p.HostAllowed("crm.example.com")) {
		t.Errorf("a broken file replaced the policy: %v", p)
	}
	if st := w.Status(); !st.Active || !strings.Contains(st.Error, path) {
		t.Errorf("status %+v, want the file's error naming %s", st, path)
	}
}

// Only https: a policy naming plain http is refused, and so is a
// redirect to it.
func TestPolicyProvisioningHTTPSOnly(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{}`) }))
	defer plain.Close()
	ps := newPolicyServer(t, "", "")
	ps.Config.Handler = http.RedirectHandler(plain.URL+"/policy.json", http.StatusFound)
	path := writePolicy(t, fmt.Sprintf(`{"provisioning_url": %q}`, ps.URL+"/policy.json"))
	w := newTestWatcher(path, t.TempDir(), ps)
	w.Load()
	w.Refresh(context.Background())
	if st := w.Status(); !strings.Contains(st.Error, "only https is followed") {
		t.Errorf("a redirect to http: status %+v", st)
	}
	if _, err := ParsePolicy(fmt.Appendf(nil, `{"provisioning_url": %q}`, plain.URL), "p"); err == nil {
		t.Error("a plain http provisioning_url was accepted")
	}
}

// Run polls: a change on the server comes into force without a restart.
func TestPolicyRunPolls(t *testing.T) {
	ps := newPolicyServer(t, remoteV1, `"v1"`)
	path := provisionedFile(t, ps)
	w := NewPolicyWatcher(PolicyOptions{Path: path, DataDir: t.TempDir(), Client: ps.Client(),
		Secrets: MapSecrets{"prov": "tok"}, Log: discardLogger(), Poll: 20 * time.Millisecond, FileCheck: 20 * time.Millisecond})
	changed := make(chan *Policy, 16)
	w.OnChange(func(p *Policy) { changed <- p })
	w.Load()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	defer func() { cancel(); <-done }()
	wait := func(ok func(*Policy) bool, what string) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case p := <-changed:
				if ok(p) {
					return
				}
			case <-deadline:
				t.Fatalf("%s never came into force", what)
			}
		}
	}
	wait(func(p *Policy) bool { return !p.Enabled() }, "the first fetch")
	ps.serve(`{"hooks_enabled": true}`, `"v2"`, 0)
	wait(func(p *Policy) bool { return p.Enabled() }, "the changed policy")
}
