package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/internal/siptest"
)

func TestServiceSaveAppliesAndWrites(t *testing.T) {
	rcv := newReceiver(t, 200)
	b := newBed(t, configWith(rcv.hook("crm", 0, call.IncomingRing)))

	t.Run("invalid", func(t *testing.T) {
		for _, tt := range []struct {
			name   string
			mutate func(*hooks.Config)
		}{
			{"no url", func(c *hooks.Config) { c.Hooks[0].URL = "" }},
			{"duplicate id", func(c *hooks.Config) { c.Hooks = append(c.Hooks, c.Hooks[0]) }},
			{"bad version", func(c *hooks.Config) { c.Version = 99 }},
		} {
			t.Run(tt.name, func(t *testing.T) {
				file := readFile(t, b.config)
				running := b.svc.Config()
				cfg := b.svc.Config()
				tt.mutate(cfg)
				err := b.svc.Save(cfg)
				if ve := (*hooks.ValidationError)(nil); !errors.As(err, &ve) {
					t.Fatalf("Save = %v, want a *hooks.ValidationError", err)
				}
				if got := readFile(t, b.config); !bytes.Equal(got, file) {
					t.Errorf("Save of an invalid config changed the file:\n%s\nwas\n%s", got, file)
				}
				if got := b.svc.Config(); !reflect.DeepEqual(got, running) {
					t.Errorf("Save of an invalid config changed the running config to %+v", got)
				}
			})
		}
	})

	t.Run("valid", func(t *testing.T) {
		cfg := b.svc.Config()
		cfg.User = "max"
		cfg.Hooks = append(cfg.Hooks, rcv.hook("erp", 3, call.IncomingAnswer, call.IncomingHangup))
		if err := b.svc.Save(cfg); err != nil {
			t.Fatal(err)
		}
		onDisk, err := hooks.Load(b.config)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(onDisk, cfg) {
			t.Errorf("file after Save = %+v\nwant %+v", onDisk, cfg)
		}
		if got := b.svc.Config(); !reflect.DeepEqual(got, cfg) {
			t.Errorf("Config after Save = %+v\nwant %+v", got, cfg)
		}
		cfg.User = "changed after Save"
		if b.svc.Config().User != "max" {
			t.Error("changing the saved config after Save changed the running one")
		}
	})

	t.Run("SetEnabled", func(t *testing.T) {
		if err := b.svc.SetEnabled(false); err != nil {
			t.Fatal(err)
		}
		if file := readFile(t, b.config); !bytes.Contains(file, []byte(`"enabled": false`)) {
			t.Errorf("file after SetEnabled(false) has no \"enabled\": false:\n%s", file)
		}
		if b.svc.Config().Enabled || b.e.Config().Enabled {
			t.Error("the running config is still enabled after SetEnabled(false)")
		}
		if err := b.svc.SetEnabled(true); err != nil {
			t.Fatal(err)
		}
		if file := readFile(t, b.config); !bytes.Contains(file, []byte(`"enabled": true`)) {
			t.Errorf("file after SetEnabled(true) has no \"enabled\": true:\n%s", file)
		}
	})
}

func TestServiceWatchConfigReloadsOutsideChanges(t *testing.T) {
	rcv := newReceiver(t, 200)
	b := newBed(t, configWith(rcv.hook("crm", 0, call.IncomingRing)))
	var (
		mu      sync.Mutex
		reloads []error
	)
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(reloads) }
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.svc.WatchConfig(ctx, 20*time.Millisecond, func(_ *hooks.Config, err error) {
			mu.Lock()
			reloads = append(reloads, err)
			mu.Unlock()
		})
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})

	// From outside: another program saves the file with a new hook.
	outside := b.svc.Config()
	outside.Hooks = append(outside.Hooks, rcv.hook("erp", 0, call.IncomingAnswer))
	if err := hooks.Save(b.config, outside); err != nil {
		t.Fatal(err)
	}
	siptest.Exactly(t, "reloads after one outside save", 1, 5*time.Second, count)
	mu.Lock()
	if len(reloads) > 0 && reloads[0] != nil {
		t.Errorf("reload of a valid file: %v", reloads[0])
	}
	mu.Unlock()
	if _, ok := b.svc.Config().Hook("erp"); !ok {
		t.Error("the running config has no hook erp after the file gained it")
	}

	// The service's own save is no outside change.
	own := b.svc.Config()
	own.User = "max"
	if err := b.svc.Save(own); err != nil {
		t.Fatal(err)
	}
	if !siptest.Steady(func() bool { return count() == 1 }) {
		t.Errorf("%d reloads after the service's own Save, want none more", count()-1)
	}

	// An invalid file is reported and the running config kept.
	running := b.svc.Config()
	replaceFile(t, b.config, []byte(`{"version": 1, "hooks": [{"id": "crm", "tmeout": "1s"}]}`))
	waitFor(t, "a reload of the invalid file", 5*time.Second, func() bool { return count() == 2 })
	mu.Lock()
	err := reloads[1]
	mu.Unlock()
	if err == nil {
		t.Error("reload of an invalid file reported no error")
	}
	if got := b.svc.Config(); !reflect.DeepEqual(got, running) {
		t.Errorf("the invalid file changed the running config to %+v", got)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// replaceFile writes data over path in one step, as an editor does, so
// that the watch never sees half of it.
func replaceFile(t *testing.T, path string, data []byte) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(path), ".edit")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// Two edits of the same size in a row, the first one read by Reload
// (as the window does when it sees the file change), leave the second
// one to the watch: the running config must follow the file.
func TestServiceWatchConfigSeesSameSizeRewrite(t *testing.T) {
	b := newBed(t, configWith())
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.svc.WatchConfig(ctx, 20*time.Millisecond, nil)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	edit := func(user string) {
		cfg := b.svc.Config()
		cfg.User = user
		data, err := json.MarshalIndent(cfg, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		replaceFile(t, b.config, data)
	}
	edit("aaa")
	if _, err := b.svc.Reload(); err != nil {
		t.Fatal(err)
	}
	edit("bbb")
	if !eventually(2*time.Second, func() bool { return b.svc.Config().User == "bbb" }) {
		t.Errorf("running user %q 2 s after the file changed to %q", b.svc.Config().User, "bbb")
	}
}
