// Command hookrecv is the loopback webhook receiver of
// scripts/wine-test.sh. It runs natively on Linux while callhook.exe runs
// under Wine (both share 127.0.0.1), and appends one JSON line per request
// to -log: method, path, query, body, webhook-id, and whether the
// webhook-signature verifies with the Standard Webhooks library under the
// key in $HOOKRECV_KEY ("ok", "bad: …" or "none"). It answers with the
// status code written in the -answer file (200 when the file is missing),
// so the script can make it fail and recover without restarting it.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// record is one request as the log keeps it; the script greps these
// lines, so the field order is part of the format.
type record struct {
	Hook        string `json:"hook"`
	Method      string `json:"method"`
	Status      int    `json:"status"`
	Sig         string `json:"sig"`
	WebhookID   string `json:"webhook_id"`
	Path        string `json:"path"`
	Query       string `json:"query"`
	ContentType string `json:"content_type"`
	UserAgent   string `json:"user_agent"`
	Body        string `json:"body"`
	At          string `json:"at"`
}

func main() {
	addr := flag.String("listen", "127.0.0.1:0", "address to listen on")
	addrFile := flag.String("addr-file", "", "write the address listened on to this `file`")
	logPath := flag.String("log", "requests.jsonl", "append one JSON line per request to this `file`")
	answer := flag.String("answer", "", "`file` holding the status code to answer with (default 200)")
	flag.Parse()

	var wh *standardwebhooks.Webhook
	if key := os.Getenv("HOOKRECV_KEY"); key != "" {
		var err error
		if wh, err = standardwebhooks.NewWebhook(key); err != nil {
			log.Fatalf("HOOKRECV_KEY: %v", err)
		}
	}
	out, err := os.OpenFile(*logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		log.Fatal(err)
	}
	defer out.Close()
	var mu sync.Mutex
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)

	handler := func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec := record{
			Hook:        strings.Trim(r.URL.Path, "/"),
			Method:      r.Method,
			Status:      answerCode(*answer),
			Sig:         verify(wh, body, r.Header),
			WebhookID:   r.Header.Get(standardwebhooks.HeaderWebhookID),
			Path:        r.URL.Path,
			Query:       r.URL.RawQuery,
			ContentType: r.Header.Get("Content-Type"),
			UserAgent:   r.Header.Get("User-Agent"),
			Body:        string(body),
			At:          time.Now().Format(time.RFC3339Nano),
		}
		mu.Lock()
		err := enc.Encode(rec)
		mu.Unlock()
		if err != nil {
			log.Printf("write %s: %v", *logPath, err)
		}
		w.WriteHeader(rec.Status)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	if *addrFile != "" {
		if err := os.WriteFile(*addrFile, []byte(ln.Addr().String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	srv := &http.Server{Handler: http.HandlerFunc(handler), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	fmt.Fprintf(os.Stderr, "hookrecv listening on %s\n", ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	<-ctx.Done()
	srv.Close()
}

// answerCode reads the status code to answer with; a missing or
// unreadable file means 200.
func answerCode(path string) int {
	if path == "" {
		return http.StatusOK
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return http.StatusOK
	}
	code, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || code < 100 || code > 599 {
		return http.StatusOK
	}
	return code
}

// verify checks the webhook-signature as a receiver would: the library's
// Verify, which also rejects a timestamp more than five minutes off.
func verify(wh *standardwebhooks.Webhook, body []byte, h http.Header) string {
	if h.Get(standardwebhooks.HeaderWebhookSignature) == "" {
		return "none"
	}
	if wh == nil {
		return "bad: no HOOKRECV_KEY to verify with"
	}
	if err := wh.Verify(body, h); err != nil {
		return "bad: " + err.Error()
	}
	return "ok"
}
