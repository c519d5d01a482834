package hooks

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/zalando/go-keyring"
)

// ErrSecretNotFound is wrapped by every lookup of a secret that is set
// neither in the environment nor in the OS keychain.
var ErrSecretNotFound = errors.New("secret not found")

// KeyringService is the OS keychain service every secret is stored under;
// the account is the secret's name.
const KeyringService = "callhook"

// SecretEnvPrefix prefixes the environment variable that overrides a
// secret: CALLHOOK_SECRET_<NAME>, NAME upper-cased with "-" as "_".
const SecretEnvPrefix = "CALLHOOK_SECRET_"

// Secrets resolves secret names ({secret.NAME}, signing_secret) to values.
type Secrets interface {
	Get(name string) (string, error)
}

// SecretStore is a Secrets that can also be written: `callhook secret`
// and the GUI's secret fields.
type SecretStore interface {
	Secrets
	Set(name, value string) error
	Delete(name string) error
}

// Keyring keeps secrets in the OS keychain, with environment variables
// taking precedence so headless machines and CI need no keychain.
type Keyring struct {
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
}

var _ SecretStore = Keyring{}

// SecretEnvName returns the environment variable that overrides name.
func SecretEnvName(name string) string {
	return SecretEnvPrefix + strings.ReplaceAll(strings.ToUpper(name), "-", "_")
}

// Get returns the secret called name.
func (k Keyring) Get(name string) (string, error) {
	getenv := k.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if v := getenv(SecretEnvName(name)); v != "" {
		return v, nil
	}
	v, err := keyring.Get(KeyringService, name)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", secretNotFound(name)
	}
	if err != nil {
		// A machine without a keychain (no D-Bus secret service) is the
		// usual cause; the environment variable is the way out.
		return "", fmt.Errorf("read secret %q from the OS keychain (or set %s): %w", name, SecretEnvName(name), err)
	}
	return v, nil
}

// Set stores value as the secret called name in the OS keychain.
func (k Keyring) Set(name, value string) error {
	if name == "" {
		return errors.New("set secret: empty name")
	}
	if err := keyring.Set(KeyringService, name, value); err != nil {
		return fmt.Errorf("store secret %q in the OS keychain: %w", name, err)
	}
	return nil
}

// Delete removes the secret called name from the OS keychain.
func (k Keyring) Delete(name string) error {
	err := keyring.Delete(KeyringService, name)
	if errors.Is(err, keyring.ErrNotFound) {
		return secretNotFound(name)
	}
	if err != nil {
		return fmt.Errorf("delete secret %q from the OS keychain: %w", name, err)
	}
	return nil
}

// SecretNotFoundError names a missing secret and how to set it. It
// matches ErrSecretNotFound with errors.Is.
type SecretNotFoundError struct{ Name string }

func (e *SecretNotFoundError) Error() string {
	return fmt.Sprintf("secret %q not found: set it with `callhook secret set %s` or %s",
		e.Name, e.Name, SecretEnvName(e.Name))
}

// Is makes errors.Is(err, ErrSecretNotFound) true.
func (e *SecretNotFoundError) Is(target error) bool { return target == ErrSecretNotFound }

func secretNotFound(name string) error { return &SecretNotFoundError{Name: name} }

// SecretsFunc adapts a function to Secrets (tests, fixed maps).
type SecretsFunc func(name string) (string, error)

var _ Secrets = SecretsFunc(nil)

// Get calls f.
func (f SecretsFunc) Get(name string) (string, error) { return f(name) }

// MapSecrets is a fixed set of secrets, for tests and sample rendering.
type MapSecrets map[string]string

var _ Secrets = MapSecrets(nil)

// Get returns m[name] or an ErrSecretNotFound error naming it.
func (m MapSecrets) Get(name string) (string, error) {
	v, ok := m[name]
	if !ok {
		return "", secretNotFound(name)
	}
	return v, nil
}
