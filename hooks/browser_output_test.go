package hooks

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The platform's opener writes to Callhook's own stdout and stderr, which
// are its log, and quotes the URL when it fails ("xdg-open: no method
// available for opening 'https://...'"). A browser hook's URL may carry a
// secret in its query, so what the opener writes goes nowhere. The opener
// runs in a child process, whose output the test reads.
func TestSystemBrowserOutputStaysOutOfTheLog(t *testing.T) {
	const target = "https://pbx.example.com/login?token=PBX-S3CRET-in-the-query"
	if os.Getenv("CALLHOOK_TEST_OPENER_CHILD") == "1" {
		if err := (SystemBrowser{}).Open(target); err == nil {
			t.Fatal("the fake xdg-open failed, Open did not")
		}
		return
	}
	bin := t.TempDir()
	ran := filepath.Join(bin, "ran")
	script := "#!/bin/sh\n" +
		"echo \"$1\" > " + ran + "\n" +
		"echo \"xdg-open: no method available for opening '$1'\" >&2\n" +
		"echo \"opening $1\"\n" +
		"exit 3\n"
	if err := os.WriteFile(filepath.Join(bin, "xdg-open"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSystemBrowserOutputStaysOutOfTheLog$", "-test.v")
	cmd.Env = append(os.Environ(), "CALLHOOK_TEST_OPENER_CHILD=1", "PATH="+bin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if b, err := os.ReadFile(ran); err != nil || strings.TrimSpace(string(b)) != target {
		t.Fatalf("the fake xdg-open did not get the URL: %q, %v\n%s", b, err, out)
	}
	if strings.Contains(string(out), "PBX-S3CRET") {
		t.Errorf("the opener's output reached Callhook's stdout/stderr with the secret:\n%s", out)
	}
}
