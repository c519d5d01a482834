package hooks

import (
	"errors"
	"testing"

	"github.com/zalando/go-keyring"
)

func TestKeyring(t *testing.T) {
	keyring.MockInit()
	env := map[string]string{"CALLHOOK_SECRET_HOOK_SIG": "from-env"}
	k := Keyring{Getenv: func(k string) string { return env[k] }}

	if err := k.Set("crm", "from-keychain"); err != nil {
		t.Fatal(err)
	}
	if err := k.Set("hook-sig", "shadowed"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, secret, want string
		wantErr            error
	}{
		{"from the keychain", "crm", "from-keychain", nil},
		{"environment takes precedence", "hook-sig", "from-env", nil},
		{"missing", "nope", "", ErrSecretNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := k.Get(tt.secret)
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Errorf("Get(%q) = %q, %v; want %q, %v", tt.secret, got, err, tt.want, tt.wantErr)
			}
		})
	}
	_, err := k.Get("crm-2")
	if want := "secret \"crm-2\" not found: set it with `callhook secret set crm-2` or CALLHOOK_SECRET_CRM_2"; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
	if err := k.Delete("crm"); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get("crm"); !errors.Is(err, ErrSecretNotFound) {
		t.Errorf("after Delete: %v, want ErrSecretNotFound", err)
	}
	if err := k.Delete("crm"); !errors.Is(err, ErrSecretNotFound) {
		t.Errorf("Delete of a missing secret: %v, want ErrSecretNotFound", err)
	}
}
