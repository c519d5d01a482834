package hooks_test

import (
	"fmt"
	"time"

	"github.com/callhook/callhook/call"
	"github.com/callhook/callhook/hooks"
)

// A receiver checks webhook-signature by computing the same value.
func ExampleSign() {
	sig, err := hooks.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	fmt.Println(sig, err)
	// Output: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= <nil>
}

// The webhook-id is the same for every attempt of one hook on one trigger
// of one call, so receivers can drop duplicates.
func ExampleWebhookID() {
	fmt.Println(hooks.WebhookID("a84b4c76e66710", "crm", call.IncomingAnswer) ==
		hooks.WebhookID("a84b4c76e66710", "crm", call.IncomingAnswer))
	// Output: true
}

func ExampleSecretEnvName() {
	fmt.Println(hooks.SecretEnvName("crm-token"))
	// Output: CALLHOOK_SECRET_CRM_TOKEN
}
