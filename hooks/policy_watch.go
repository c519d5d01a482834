package hooks

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"time"
)

// DefaultPolicyFileCheck is how often the policy file is read again for
// an administrator's change.
const DefaultPolicyFileCheck = time.Minute

// policyRetryMin is how soon a failed fetch is tried again; each further
// failure doubles it, up to the poll interval.
const policyRetryMin = time.Minute

// PolicyOptions configure a PolicyWatcher.
type PolicyOptions struct {
	// Path is the policy file; "" means none. Required makes a missing
	// file an error (CALLHOOK_POLICY names one that must exist); else a
	// missing file is no policy.
	Path     string
	Required bool
	// DataDir is where the last good provisioned policy is cached; ""
	// keeps none.
	DataDir string
	// Client fetches the provisioning URL (nil: http.DefaultClient's
	// transport, the OS trust store); tests pass one trusting their
	// server. Redirects are followed to https only.
	Client *http.Client
	// Secrets holds the provisioning token (nil: Keyring{}).
	Secrets Secrets
	// Poll is how often the provisioning URL is asked (0:
	// DefaultPolicyPoll); FileCheck how often the file is read again (0:
	// DefaultPolicyFileCheck).
	Poll, FileCheck time.Duration
	Log             *slog.Logger
	// Now tells the time (nil: time.Now).
	Now func() time.Time
}

// PolicyWatcher keeps the policy in force: the file's, overlaid with the
// provisioning URL's (or its cached copy while the URL fails). A file or
// an answer that does not parse or validate never replaces the last good
// policy: it is reported in Status and the last good one stays.
type PolicyWatcher struct {
	o      PolicyOptions
	client *http.Client

	mu       sync.Mutex
	file     *Policy // last good policy file; nil: none
	fileErr  error
	remote   *fetched // last good provisioned policy, of file.ProvisioningURL
	cached   bool     // remote came from the cache and the URL has not answered since
	checked  time.Time
	fetchErr error
	failures int // fetches failed in a row
	current  *Policy
	onChange func(*Policy)
}

// NewPolicyWatcher returns a watcher; call Load before Policy, and Run
// to follow changes.
func NewPolicyWatcher(o PolicyOptions) *PolicyWatcher {
	if o.Secrets == nil {
		o.Secrets = Keyring{}
	}
	if o.Poll <= 0 {
		o.Poll = DefaultPolicyPoll
	}
	if o.FileCheck <= 0 {
		o.FileCheck = DefaultPolicyFileCheck
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &PolicyWatcher{o: o, client: policyClient(o.Client)}
}

// OnChange makes fn hear of every change of the policy in force, from
// Refresh and Run (nil: no policy any more).
func (w *PolicyWatcher) OnChange(fn func(*Policy)) {
	w.mu.Lock()
	w.onChange = fn
	w.mu.Unlock()
}

// Load reads the policy file and the cached provisioned policy, without
// the network, and returns the policy in force (nil: none). Start-up
// must not wait for a provisioning server; Run fetches at once.
func (w *PolicyWatcher) Load() *Policy {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.readFile()
	w.useCache()
	w.current = w.merged()
	return w.current
}

// Refresh reads the file again and asks the provisioning URL once; it
// returns the policy in force and tells OnChange's function when it
// changed.
func (w *PolicyWatcher) Refresh(ctx context.Context) *Policy {
	w.mu.Lock()
	w.readFile()
	w.useCache()
	w.mu.Unlock()
	w.fetch(ctx)
	return w.update()
}

// Run follows the policy until ctx ends: it fetches the provisioning URL
// at once, then every Poll (sooner after a failure), and reads the file
// every FileCheck.
func (w *PolicyWatcher) Run(ctx context.Context) {
	nextFetch := w.o.Now()
	for {
		w.mu.Lock()
		w.readFile()
		w.useCache()
		w.mu.Unlock()
		if !w.o.Now().Before(nextFetch) {
			w.fetch(ctx)
			nextFetch = w.o.Now().Add(w.fetchDelay())
		}
		w.update()
		wait := min(w.o.FileCheck, max(0, nextFetch.Sub(w.o.Now())))
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// fetchDelay is how long to wait for the next fetch: Poll after a
// success, doubling from policyRetryMin after failures.
func (w *PolicyWatcher) fetchDelay() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.failures == 0 {
		return w.o.Poll
	}
	d := policyRetryMin << min(w.failures-1, 10)
	return min(d, w.o.Poll)
}

// Policy returns the policy in force, nil for none. Do not change it.
func (w *PolicyWatcher) Policy() *Policy {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.current
}

// Status says which policy is in force, from where, when fetched, and
// the last error.
func (w *PolicyWatcher) Status() PolicyStatus {
	w.mu.Lock()
	defer w.mu.Unlock()
	st := PolicyStatus{Active: w.current != nil, Policy: w.current.Clone()}
	if w.o.Path != "" {
		st.File = w.o.Path
	}
	if w.file != nil {
		st.URL = w.file.ProvisioningURL
	}
	if w.current != nil {
		st.From = w.current.Origin
	}
	if w.remote != nil {
		st.Fetched = w.remote.Fetched
		st.Cached = w.cached
		if w.cached {
			st.From += " (cached copy)"
		}
	}
	st.Checked = w.checked
	var errs []string
	for _, err := range []error{w.fileErr, w.fetchErr} {
		if err != nil {
			errs = append(errs, err.Error())
		}
	}
	st.Error = strings.Join(errs, "; ")
	return st
}

// readFile reads the policy file; the caller holds w.mu. A missing file
// (when not required) is no policy; one that does not read, parse or
// validate keeps the last good one.
func (w *PolicyWatcher) readFile() {
	if w.o.Path == "" {
		return
	}
	p, err := LoadPolicy(w.o.Path)
	switch {
	case err == nil:
		if w.file == nil || w.file.ProvisioningURL != p.ProvisioningURL {
			w.remote, w.cached, w.fetchErr, w.failures = nil, false, nil, 0
		}
		w.file, w.fileErr = p, nil
	case errors.Is(err, fs.ErrNotExist) && !w.o.Required:
		if w.file != nil {
			w.o.Log.Info("policy file removed: no policy", "policy", w.o.Path)
		}
		w.file, w.fileErr, w.remote, w.cached, w.fetchErr = nil, nil, nil, false, nil
	default:
		if w.fileErr == nil || w.fileErr.Error() != err.Error() {
			w.o.Log.Error("policy file not read: the policy in force stays", "policy", w.o.Path, "err", err)
		}
		w.fileErr = err
	}
}

// useCache takes the cached provisioned policy of the file's URL while
// none was fetched; the caller holds w.mu.
func (w *PolicyWatcher) useCache() {
	if w.file == nil || w.file.ProvisioningURL == "" || w.remote != nil {
		return
	}
	f, err := readPolicyCache(w.o.DataDir, w.file.ProvisioningURL)
	if err != nil {
		w.o.Log.Warn("policy cache not used", "err", err)
		return
	}
	if f != nil {
		w.remote, w.cached = f, true
	}
}

// fetch asks the provisioning URL for a new policy. The network request
// runs without w.mu held.
func (w *PolicyWatcher) fetch(ctx context.Context) {
	w.mu.Lock()
	if w.file == nil || w.file.ProvisioningURL == "" {
		w.mu.Unlock()
		return
	}
	url, secret := w.file.ProvisioningURL, w.file.ProvisioningTokenSecret
	var etag string
	if w.remote != nil {
		etag = w.remote.ETag
	}
	w.mu.Unlock()

	token, err := bearerToken(w.o.Secrets, secret)
	var f *fetched
	if err == nil {
		f, err = fetchPolicy(ctx, w.client, url, etag, token, w.o.Now())
	}

	if errors.Is(ctx.Err(), context.Canceled) {
		return // shutting down: not the URL's failure (a deadline is)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.file == nil || w.file.ProvisioningURL != url {
		return // the file changed meanwhile
	}
	switch {
	case errors.Is(err, errNotModified):
		w.checked, w.cached, w.fetchErr, w.failures = w.o.Now(), false, nil, 0
	case err != nil:
		w.failures++
		if w.fetchErr == nil || w.fetchErr.Error() != err.Error() {
			w.o.Log.Error("provisioning failed: the policy in force stays", "url", url, "err", err)
		}
		w.fetchErr = err
	default:
		w.remote, w.checked, w.cached, w.fetchErr, w.failures = f, w.o.Now(), false, nil, 0
		if err := writePolicyCache(w.o.DataDir, f); err != nil {
			w.o.Log.Warn("provisioning: policy not cached", "err", err)
		}
	}
}

// update makes the merged policy the one in force and tells OnChange's
// function when it changed.
func (w *PolicyWatcher) update() *Policy {
	w.mu.Lock()
	p := w.merged()
	changed := !samePolicy(p, w.current)
	if changed {
		w.current = p
	}
	p = w.current
	fn := w.onChange
	w.mu.Unlock()
	if changed {
		w.o.Log.Info("policy in force", "from", policyOrigin(p))
		if fn != nil {
			fn(p)
		}
	}
	return p
}

// merged is the file's policy overlaid with the provisioned one; the
// caller holds w.mu.
func (w *PolicyWatcher) merged() *Policy {
	if w.file == nil {
		return nil
	}
	if w.remote == nil {
		return w.file.Clone()
	}
	return overlay(w.file, w.remote.policy)
}

func samePolicy(a, b *Policy) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Origin == b.Origin && a.hostsFrom == b.hostsFrom && reflect.DeepEqual(a, b)
}

func policyOrigin(p *Policy) string {
	if p == nil {
		return "none"
	}
	return p.Origin
}

// Errors returns the last error reading the policy file and the last
// error fetching the provisioning URL, nil where the last try succeeded.
func (w *PolicyWatcher) Errors() (file, fetch error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.fileErr, w.fetchErr
}
