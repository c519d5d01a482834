package hooks

import (
	"bytes"
	"context"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
)

// pbxSecret is a secret value that also shows how the query escapes it.
const pbxSecret = "PBX-S3CRET/+&=x y"

// The UCware case: a browser hook logs the agent in with a secret in its
// query. The browser gets the real value; the journal, the log, what the
// attempt reports and the delivery detail show it masked, in every form
// the URL could hold it.
func TestBrowserSecretReachesTheBrowserOnly(t *testing.T) {
	dir := t.TempDir()
	j := openJournal(t, dir)
	var logs bytes.Buffer
	op := &fakeOpener{}
	h := Hook{ID: "ucware", Enabled: true, Action: ActionBrowser, Triggers: []call.Trigger{call.IncomingRing},
		URL: "https://pbx.example.com/login?user={user}&pw={secret.pbx}&phone={remote}"}
	d := NewDispatcher(j, testConfig(h), WithOpener(op), WithSecrets(MapSecrets{"pbx": pbxSecret}),
		WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err := d.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	c := testCall("call-ucware")
	d.Handle(event(c, call.IncomingRing))
	waitCall(t, d, c.ID)

	opened := op.opened()
	if len(opened) != 1 {
		t.Fatalf("opened %q, want one page", opened)
	}
	u, err := url.Parse(opened[0])
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Query().Get("pw"); got != pbxSecret || u.Host != "pbx.example.com" || u.Path != "/login" {
		t.Errorf("the browser got %s (pw %q), want the real secret %q on the hook's page", opened[0], got, pbxSecret)
	}

	ds := deliveriesOf(t, j, c.ID)
	if len(ds) != 1 || ds[0].State != StateDelivered {
		t.Fatalf("deliveries %+v, want one delivered", ds)
	}
	full, err := j.Delivery(context.Background(), ds[0].WebhookID)
	if err != nil || len(full.History) != 1 {
		t.Fatalf("delivery %+v, %v", full, err)
	}
	if want := "opened https://pbx.example.com/login?user=max&pw=***&phone=03012345678 in the default browser"; full.History[0].Response != want {
		t.Errorf("the journal says %q, want %q", full.History[0].Response, want)
	}
	view, err := j.SentRequest(context.Background(), ds[0].WebhookID)
	if err != nil {
		t.Fatal(err)
	}
	if want := "open in the browser: https://pbx.example.com/login?user=max&pw=***&phone=03012345678"; view != want {
		t.Errorf("the delivery detail says %q, want %q", view, want)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	forms := []string{pbxSecret, url.QueryEscape(pbxSecret), url.PathEscape(pbxSecret), "PBX-S3CRET"}
	for _, f := range forms {
		if strings.Contains(logs.String(), f) {
			t.Errorf("the log holds the secret as %q:\n%s", f, logs.String())
		}
	}
	// Every file the journal wrote: the database and its side files.
	err = filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte("PBX-S3CRET")) {
			t.Errorf("%s holds the secret", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The test button opens the page with the secret and reports it masked;
// an opener whose error quotes the URL has it masked too.
func TestBrowserSecretTestAndFailure(t *testing.T) {
	h := Hook{ID: "ucware", Enabled: true, Action: ActionBrowser, Triggers: []call.Trigger{call.IncomingRing},
		URL: "https://pbx.example.com/login?token={secret.pbx}"}
	secrets := MapSecrets{"pbx": pbxSecret}

	op := &fakeOpener{}
	d := NewDispatcher(nil, testConfig(h), WithOpener(op), WithSecrets(secrets), WithLogger(discardLogger()))
	res, err := d.Test(context.Background(), h, call.IncomingRing)
	if err != nil {
		t.Fatal(err)
	}
	if want := "opened https://pbx.example.com/login?token=*** in the default browser"; res.Response != want {
		t.Errorf("the test says %q, want %q", res.Response, want)
	}
	if opened := op.opened(); len(opened) != 1 || !strings.Contains(opened[0], url.QueryEscape("PBX-S3CRET/")) {
		t.Errorf("opened %q, want the page with the secret", opened)
	}

	quoting := OpenerFunc(func(u string) error { return testError("xdg-open " + u + " failed; raw " + pbxSecret) })
	d = NewDispatcher(nil, testConfig(h), WithOpener(quoting), WithSecrets(secrets), WithLogger(discardLogger()))
	res, err = d.Test(context.Background(), h, call.IncomingRing)
	if err == nil {
		t.Fatal("a failing opener gave no error")
	}
	for _, s := range []string{err.Error(), res.Error} {
		if strings.Contains(s, "PBX-S3CRET") {
			t.Errorf("the error holds the secret: %q", s)
		}
		if !strings.Contains(s, "xdg-open https://pbx.example.com/login?token=*** failed") {
			t.Errorf("error %q does not show the masked URL", s)
		}
	}

	// A secret the keychain lacks: nothing is opened, the error names it.
	op = &fakeOpener{}
	d = NewDispatcher(nil, testConfig(h), WithOpener(op), WithSecrets(MapSecrets{}), WithLogger(discardLogger()))
	if _, err := d.Test(context.Background(), h, call.IncomingRing); err == nil || !strings.Contains(err.Error(), "pbx") {
		t.Errorf("missing secret: err %v, want one naming it", err)
	}
	if len(op.opened()) != 0 {
		t.Errorf("opened %q without the secret", op.opened())
	}
}
