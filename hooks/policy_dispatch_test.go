package hooks

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
)

// onHost returns rc's URL with its host written as host: the same
// loopback receiver under another name.
func onHost(t *testing.T, rc *receiver, host string) string {
	t.Helper()
	u, err := url.Parse(rc.URL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = host + ":" + u.Port()
	return u.String() + "/hook"
}

func getHook(id, target string) Hook {
	return Hook{ID: id, Enabled: true, Triggers: []call.Trigger{call.IncomingRing}, Action: ActionGet, URL: target, Retries: intp(0)}
}

// A hook whose host the policy does not allow fails at delivery with an
// error naming host and policy, and its receiver never sees a request;
// the allowed hook beside it is delivered. "localhost" is allowed,
// "127.0.0.1" (the same loopback) is not.
func TestPolicyRefusesHostAtDelivery(t *testing.T) {
	allowed, refused := newReceiver(t, nil), newReceiver(t, nil)
	pol := &Policy{AllowedHosts: []string{"localhost"}, Origin: "/etc/callhook/policy.json"}
	cfg := testConfig(getHook("ok", onHost(t, allowed, "localhost")), getHook("far", onHost(t, refused, "127.0.0.1")))
	d, j := startDispatcher(t, cfg, WithPolicy(pol))
	c := testCall("c-hosts")
	d.Handle(event(c, call.IncomingRing))
	waitCall(t, d, c.ID)

	if n := len(allowed.requests()); n != 1 {
		t.Errorf("allowed host: %d requests, want 1", n)
	}
	if n := len(refused.requests()); n != 0 {
		t.Errorf("refused host: %d requests reached the receiver, want none", n)
	}
	for _, del := range deliveriesOf(t, j, c.ID) {
		switch del.HookID {
		case "ok":
			if del.State != StateDelivered {
				t.Errorf("ok: %s (%s)", del.State, del.Error)
			}
		case "far":
			if del.State != StateFailed || del.Attempts != 1 {
				t.Errorf("far: %s after %d attempts, want failed after 1", del.State, del.Attempts)
			}
			for _, want := range []string{"hook far", `host "127.0.0.1"`, "/etc/callhook/policy.json", "no request sent"} {
				if !strings.Contains(del.Error, want) {
					t.Errorf("far's error lacks %q: %s", want, del.Error)
				}
			}
		}
	}

	// The test button and `hooks test` are refused the same way.
	h, _ := cfg.Hook("far")
	if _, err := d.Test(context.Background(), *h, call.IncomingRing); !errors.Is(err, ErrHostNotAllowed) {
		t.Errorf("Test of the refused hook: %v, want ErrHostNotAllowed", err)
	}
	if n := len(refused.requests()); n != 0 {
		t.Errorf("Test reached the refused receiver (%d requests)", n)
	}
}

// The policy in force at the attempt decides: a retry queued before the
// administrator narrowed the hosts is not sent.
func TestPolicyNarrowedBeforeARetry(t *testing.T) {
	rc := newReceiver(t, statuses(http.StatusServiceUnavailable))
	h := getHook("crm", onHost(t, rc, "127.0.0.1"))
	h.Retries = intp(3)
	d, j := startDispatcher(t, testConfig(h), WithBackoff(300*time.Millisecond, 300*time.Millisecond))
	c := testCall("c-narrowed")
	d.Handle(event(c, call.IncomingRing))
	waitFor(t, rc.arrived, "the first attempt")
	d.SetPolicy(&Policy{AllowedHosts: []string{"localhost"}, Origin: "policy.json"})
	waitCall(t, d, c.ID)
	if n := len(rc.requests()); n != 1 {
		t.Errorf("%d requests, want the first attempt only", n)
	}
	del := deliveriesOf(t, j, c.ID)
	if len(del) != 1 || del[0].State != StateFailed || !strings.Contains(del[0].Error, "not in allowed_hosts") {
		t.Errorf("deliveries %+v, want one failed by the policy", del)
	}
}

// A managed hook the user may not switch off fires although the user's
// config lists it as off; one the user may switch off does not.
func TestManagedHookUserCannotDisable(t *testing.T) {
	locked, optional := newReceiver(t, nil), newReceiver(t, nil)
	pol := &Policy{Origin: "policy.json", Hooks: []ManagedHook{
		{Hook: getHook("locked", locked.URL+"/l")},
		{Hook: getHook("optional", optional.URL+"/o"), UserCanDisable: true},
	}}
	user := testConfig()
	user.DisabledManagedHooks = []string{"locked", "optional"}
	d, _ := startDispatcher(t, pol.Apply(user), WithPolicy(pol))
	c := testCall("c-managed")
	d.Handle(event(c, call.IncomingRing))
	waitCall(t, d, c.ID)
	if n := len(locked.requests()); n != 1 {
		t.Errorf("locked managed hook: %d requests, want 1: the user cannot switch it off", n)
	}
	if n := len(optional.requests()); n != 0 {
		t.Errorf("optional managed hook: %d requests, want none: the user switched it off", n)
	}
}

// hooks_enabled false stops everything: new calls fire nothing, a
// pending retry is not sent, the test button is refused.
func TestPolicyHooksDisabledStopsEverything(t *testing.T) {
	rc := newReceiver(t, statuses(http.StatusServiceUnavailable, http.StatusOK))
	h := getHook("crm", rc.URL+"/x")
	h.Retries = intp(3)
	user := testConfig(h)
	d, j := startDispatcher(t, user, WithBackoff(300*time.Millisecond, 300*time.Millisecond))
	first := testCall("c-before")
	d.Handle(event(first, call.IncomingRing))
	waitFor(t, rc.arrived, "the first attempt")

	off := &Policy{HooksEnabled: new(false), Origin: "/etc/callhook/policy.json"}
	d.SetPolicy(off)
	d.SetConfig(off.Apply(user))
	waitCall(t, d, first.ID)
	second := testCall("c-after")
	d.Handle(event(second, call.IncomingRing))
	waitCall(t, d, second.ID)

	if n := len(rc.requests()); n != 1 {
		t.Errorf("%d requests, want only the attempt before the policy switched hooks off", n)
	}
	del := deliveriesOf(t, j, first.ID)
	if len(del) != 1 || del[0].State != StateFailed || !strings.Contains(del[0].Error, "switched off by the policy /etc/callhook/policy.json") {
		t.Errorf("the pending retry: %+v, want failed by the policy", del)
	}
	if del := deliveriesOf(t, j, second.ID); len(del) != 0 {
		t.Errorf("a call after the switch-off has deliveries: %+v", del)
	}
	if _, err := d.Test(context.Background(), h, call.IncomingRing); !errors.Is(err, ErrHooksOff) {
		t.Errorf("Test while hooks are off: %v, want ErrHooksOff", err)
	}
	if n := len(rc.requests()); n != 1 {
		t.Errorf("Test reached the receiver")
	}
}
