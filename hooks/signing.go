package hooks

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/callhook/callhook/call"
)

// Wire names of the headers every delivery carries. The webhook-* names
// are the Standard Webhooks spec's.
const (
	HeaderWebhookID        = standardwebhooks.HeaderWebhookID
	HeaderWebhookTimestamp = standardwebhooks.HeaderWebhookTimestamp
	HeaderWebhookSignature = standardwebhooks.HeaderWebhookSignature
	HeaderUserAgent        = "User-Agent"
	HeaderContentType      = "Content-Type"
	HeaderRetryAfter       = "Retry-After"
)

// SigningKeyPrefix starts a Standard Webhooks signing key.
const SigningKeyPrefix = "whsec_"

// WebhookID returns the delivery id of one hook firing on one trigger of
// one call. It is stable across retries and restarts, so the receiver can
// use it as an idempotency key and the outbox can use it to fire each
// trigger at most once per call per hook.
func WebhookID(callID, hookID string, t call.Trigger) string {
	sum := sha256.Sum256([]byte(callID + "|" + hookID + "|" + string(t)))
	return "msg_" + hex.EncodeToString(sum[:])[:32]
}

// Sign returns the webhook-signature header value for a message: "v1,"
// and the base64 HMAC-SHA256 of "id.timestamp.body" under key, a
// "whsec_<base64>" secret.
func Sign(key, id string, at time.Time, body []byte) (string, error) {
	if !strings.HasPrefix(key, SigningKeyPrefix) {
		return "", fmt.Errorf("signing key does not start with %q", SigningKeyPrefix)
	}
	wh, err := standardwebhooks.NewWebhook(key)
	if err != nil {
		// The library's error would quote nothing useful; never the key.
		return "", fmt.Errorf("signing key is not %s<base64>", SigningKeyPrefix)
	}
	sig, err := wh.Sign(id, at, body)
	if err != nil {
		return "", fmt.Errorf("sign message: %w", err)
	}
	return sig, nil
}
