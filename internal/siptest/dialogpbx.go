//go:build unix

package siptest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// dbtextSchema is where Debian's kamailio package ships the db_text
// tables the presence modules open.
const dbtextSchema = "/usr/share/kamailio/dbtext/kamailio"

// StartDialogPBX runs Kamailio from testdata/kamailio/dialog.cfg: a
// registrar and proxy that publishes its calls' dialog state to itself
// (pua_dialoginfo) and serves it to subscribers (presence_dialoginfo),
// with digest authentication for user and password.
func StartDialogPBX(t testing.TB, bin Binaries, user, password string) *Kamailio {
	t.Helper()
	return StartDialogPBXWith(t, bin, user, password, KamailioOptions{})
}

// StartDialogPBXWith is StartDialogPBX with options (its own Setup is
// kept). The user's digest realm, the From domain, is o.IP.
func StartDialogPBXWith(t testing.TB, bin Binaries, user, password string, o KamailioOptions) *Kamailio {
	t.Helper()
	cfg := filepath.Join(RepoRoot(t), "testdata", "kamailio", "dialog.cfg")
	domain := o.IP
	if domain == "" {
		domain = "127.0.0.1"
	}
	vars := map[string]any{"Auth": true}
	for k, v := range o.Vars {
		vars[k] = v
	}
	setup := o.Setup
	o.Vars = vars
	o.Setup = func(t testing.TB, dir string) map[string]any {
		out := map[string]any{}
		if setup != nil {
			for k, v := range setup(t, dir) {
				out[k] = v
			}
		}
		db := filepath.Join(dir, "db")
		if err := os.Mkdir(db, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"version", "presentity", "active_watchers", "watchers", "xcap", "pua", "subscriber"} {
			b, err := os.ReadFile(filepath.Join(dbtextSchema, table))
			if err != nil {
				// The schema files ship with Kamailio; without them the
				// presence modules do not start, so this is a missing peer.
				RequireReal(t, fmt.Sprintf("kamailio db_text schema missing (install kamailio): %v", err))
			}
			if table == "subscriber" {
				b = append(b, fmt.Sprintf("1:%s:%s:%s:x:x\n", user, domain, password)...)
			}
			if err := os.WriteFile(filepath.Join(db, table), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		out["DBDir"] = db
		return out
	}
	return StartKamailioWith(t, bin, cfg, o)
}
