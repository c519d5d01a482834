package hooks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Wire names of the provisioning request and its answer.
const (
	HeaderIfNoneMatch   = "If-None-Match"
	HeaderETag          = "ETag"
	HeaderAuthorization = "Authorization"
)

// PolicyCacheFile is the file under the data directory holding the last
// good provisioned policy, used while the provisioning URL fails.
const PolicyCacheFile = "policy-cache.json"

// maxPolicySize bounds a provisioned policy's body: a policy is a few
// kilobytes; a URL answering with more is not serving one.
const maxPolicySize = 1 << 20

// policyFetchTimeout bounds one request to the provisioning URL.
const policyFetchTimeout = 30 * time.Second

// errNotModified is a fetch answered 304: the policy held is current.
var errNotModified = errors.New("not modified")

// fetched is a provisioned policy as fetched, and as cached.
type fetched struct {
	URL     string          `json:"url"`
	ETag    string          `json:"etag,omitempty"`
	Fetched time.Time       `json:"fetched"`
	Body    json.RawMessage `json:"policy"`
	policy  *Policy
}

// fetchPolicy asks rawURL for its policy, with If-None-Match etag when
// etag is set and the bearer token when token is. It returns
// errNotModified for a 304, and an error for anything but a 200 with a
// valid policy: an unreachable URL, another status, garbage.
func fetchPolicy(ctx context.Context, client *http.Client, rawURL, etag, token string, now time.Time) (*fetched, error) {
	if msg := provisioningURLProblem(rawURL); msg != "" {
		return nil, errors.New(msg)
	}
	ctx, cancel := context.WithTimeout(ctx, policyFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch policy: %w", err)
	}
	req.Header.Set(HeaderUserAgent, "Callhook/"+Version)
	req.Header.Set("Accept", "application/json")
	if etag != "" {
		req.Header.Set(HeaderIfNoneMatch, etag)
	}
	if token != "" {
		req.Header.Set(HeaderAuthorization, "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch policy: %w", err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified:
		return nil, errNotModified
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("fetch policy: the provisioning URL answered %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPolicySize+1))
	if err != nil {
		return nil, fmt.Errorf("fetch policy: read the answer: %w", err)
	}
	if len(body) > maxPolicySize {
		return nil, fmt.Errorf("fetch policy: the answer is larger than %d bytes: not a policy", maxPolicySize)
	}
	p, err := ParsePolicy(body, rawURL)
	if err != nil {
		return nil, err
	}
	return &fetched{URL: rawURL, ETag: resp.Header.Get(HeaderETag), Fetched: now, Body: body, policy: p}, nil
}

// policyClient returns the client provisioning uses: only https, on
// redirects too, since the token and the policy must not travel in the
// clear.
func policyClient(base *http.Client) *http.Client {
	var c http.Client
	if base != nil {
		c = *base
	}
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "https" {
			return fmt.Errorf("provisioning URL redirected to %s: only https is followed", req.URL.Redacted())
		}
		if len(via) >= 5 {
			return errors.New("provisioning URL redirected more than 5 times")
		}
		return nil
	}
	return &c
}

// readPolicyCache returns the cached policy of rawURL, or nil when the
// cache holds none for that URL or none that is still valid.
func readPolicyCache(dir, rawURL string) (*fetched, error) {
	if dir == "" {
		return nil, nil
	}
	data, err := os.ReadFile(filepath.Join(dir, PolicyCacheFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read policy cache: %w", err)
	}
	var f fetched
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("read policy cache %s: %w", filepath.Join(dir, PolicyCacheFile), err)
	}
	if f.URL != rawURL {
		return nil, nil // another URL's: the file now names a new one
	}
	if f.policy, err = ParsePolicy(f.Body, rawURL); err != nil {
		return nil, fmt.Errorf("read policy cache: %w", err)
	}
	return &f, nil
}

// writePolicyCache keeps f as the last good provisioned policy,
// atomically: a crash leaves the old cache or the new one.
func writePolicyCache(dir string, f *fetched) error {
	if dir == "" {
		return nil
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("encode policy cache: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("write policy cache: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+PolicyCacheFile+".tmp-*")
	if err != nil {
		return fmt.Errorf("write policy cache: %w", err)
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, PolicyCacheFile))
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("write policy cache: %w", err)
	}
	return nil
}

// bearerToken reads the provisioning token secret, "" when none is named.
func bearerToken(s Secrets, name string) (string, error) {
	if name == "" {
		return "", nil
	}
	v, err := s.Get(name)
	if err != nil {
		return "", fmt.Errorf("provisioning token: %w", err)
	}
	if strings.ContainsAny(v, "\r\n") {
		return "", fmt.Errorf("provisioning token: secret %q holds a line break", name)
	}
	return v, nil
}
