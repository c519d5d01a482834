package sip

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

var updateDialogGolden = flag.Bool("update-dialoginfo", false, "rewrite the golden files under testdata/")

// TestParseDialogInfoGolden parses every sample document under
// testdata/dialoginfo (real Kamailio 5.6 NOTIFY bodies among them) and
// compares the result with its .golden file.
func TestParseDialogInfoGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/dialoginfo/*.xml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample documents: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".xml")
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			info, err := ParseDialogInfo(body)
			if err != nil {
				t.Fatalf("ParseDialogInfo: %v", err)
			}
			got, err := json.MarshalIndent(info, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := strings.TrimSuffix(f, ".xml") + ".golden"
			if *updateDialogGolden {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden (run with -update-dialoginfo to create): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("ParseDialogInfo(%s) =\n%s\nwant\n%s", f, got, want)
			}
		})
	}
}

func TestParseDialogInfoRejects(t *testing.T) {
	files, _ := filepath.Glob("testdata/dialoginfo/*.bad")
	if len(files) == 0 {
		t.Fatal("no bad samples")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ParseDialogInfo(body); !errors.Is(err, ErrNotDialogInfo) {
				t.Errorf("ParseDialogInfo = %v, want ErrNotDialogInfo", err)
			}
		})
	}
}

func TestParseDialogInfoLimits(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		wantErr error
		dialogs int
		empty   bool
	}{
		{name: "blank body is the empty initial NOTIFY", body: " \r\n", empty: true},
		{name: "no dialogs", body: `<dialog-info version="0" state="full" entity="sip:a@b"/>`},
		{name: "too large", body: `<dialog-info>` + strings.Repeat(" ", MaxDialogInfoSize) + `</dialog-info>`, wantErr: ErrDialogInfoTooLarge},
		{name: "many dialogs", body: `<dialog-info version="1" state="full" entity="sip:a@b">` + strings.Repeat(`<dialog id="x"><state>early</state></dialog>`, 100) + `</dialog-info>`, dialogs: 100},
		{name: "latin-1 declaration", body: `<?xml version="1.0" encoding="ISO-8859-1"?><dialog-info version="1" state="full" entity="sip:a@b"><dialog id="x"><state>early</state></dialog></dialog-info>`, dialogs: 1},
		{name: "truncated", body: `<dialog-info version="1" state="full"><dialog id="x">`, wantErr: ErrNotDialogInfo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := ParseDialogInfo([]byte(tt.body))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if info.Empty() != tt.empty || len(info.Dialogs) != tt.dialogs {
				t.Errorf("got empty=%v dialogs=%d, want empty=%v dialogs=%d", info.Empty(), len(info.Dialogs), tt.empty, tt.dialogs)
			}
		})
	}
}

func TestURIUser(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"sip", "sip:1002@pbx.example.com", "1002"},
		{"sips with port and params", "sips:alice@example.com:5061;transport=tls", "alice"},
		{"angle brackets and display", `"Bob" <sip:bob@example.org>;tag=1`, "bob"},
		{"user params", "sip:+49301234;npdi@pbx;user=phone", "+49301234"},
		{"password", "sip:max:secret@pbx", "max"},
		{"escaped", "sip:%2B4930@pbx", "+4930"},
		{"tel", "tel:+4930123456;phone-context=example.com", "+4930123456"},
		{"host only", "sip:127.0.0.1:15070;transport=UDP", ""},
		{"other scheme", "mailto:a@b", ""},
		{"no scheme", "1002", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := uriUser(tt.in); got != tt.want {
				t.Errorf("uriUser(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzParseDialogInfo checks the parser never panics and only returns
// normalised values, whatever the network sends.
func FuzzParseDialogInfo(f *testing.F) {
	files, _ := filepath.Glob("testdata/dialoginfo/*")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && !strings.HasSuffix(p, ".golden") {
			f.Add(b)
		}
	}
	f.Add([]byte(`<dialog-info state="partial" version="18446744073709551615"><dialog><state code="486" event="REJECTED">TERMINATED</state></dialog></dialog-info>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		info, err := ParseDialogInfo(body)
		if err != nil {
			if !errors.Is(err, ErrNotDialogInfo) && !errors.Is(err, ErrDialogInfoTooLarge) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if !info.Empty() && info.State != DocFull && info.State != DocPartial {
			t.Fatalf("state %q not normalised", info.State)
		}
		for _, d := range info.Dialogs {
			if d.State != strings.ToLower(d.State) || d.Event != strings.ToLower(d.Event) {
				t.Fatalf("state/event not lower-cased: %q %q", d.State, d.Event)
			}
			if d.Code != 0 && (d.Code < 100 || d.Code > 699) {
				t.Fatalf("code %d out of range", d.Code)
			}
			if !utf8.ValidString(d.Remote.Number) && utf8.ValidString(string(body)) {
				t.Fatalf("invalid number %q from valid input", d.Remote.Number)
			}
		}
	})
}
