//go:build cgo || !darwin

package control

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/hooks"
)

// rawRequest writes head and then body, bytes of 'a' (on a goroutine of
// its own: the server may stop reading), and reads the response.
func rawRequest(t *testing.T, path, head string, body int) *http.Response {
	t.Helper()
	conn, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	conn.SetDeadline(time.Now().Add(waitTimeout))
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		if _, err := io.WriteString(conn, head); err != nil {
			return
		}
		chunk := []byte(strings.Repeat("a", 64<<10))
		for n := 0; n < body; n += len(chunk) {
			if _, err := conn.Write(chunk); err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		conn.Close()
		<-wrote
	})
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// readErrorBody checks resp is a JSON error with status want.
func readErrorBody(t *testing.T, resp *http.Response, want int) errorBody {
	t.Helper()
	defer resp.Body.Close()
	if resp.StatusCode != want {
		t.Errorf("status %s, want %d", resp.Status, want)
	}
	if ct := resp.Header.Get("Content-Type"); ct != contentJSON {
		t.Errorf("Content-Type %q, want %q", ct, contentJSON)
	}
	var body errorBody
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("error body: %v", err)
	}
	if body.Error == "" || body.Problems == nil {
		t.Errorf("error body %+v: want an error and a problems list", body)
	}
	return body
}

func TestBodyTooLarge(t *testing.T) {
	const size = maxBody + 1<<20
	for _, tt := range []struct{ name, head string }{
		{"declared", fmt.Sprintf("POST %s HTTP/1.1\r\nHost: callhook\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{\"name\":\"x\",\"value\":\"", PathSecret, size)},
		// A chunked body has no length to check first: it is counted.
		{"chunked", fmt.Sprintf("POST %s HTTP/1.1\r\nHost: callhook\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n{\"name\":\"x\",\"value\":\"", PathSecret, size)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.SetSecretFn = func(string, string) error {
				t.Error("the service got the oversize request")
				return nil
			}
			_, path := serve(t, f, nil)
			body := readErrorBody(t, rawRequest(t, path, tt.head, size), http.StatusRequestEntityTooLarge)
			if !strings.Contains(body.Error, "larger than") {
				t.Errorf("error %q does not say what is wrong", body.Error)
			}
		})
	}
}

func TestProtocolErrors(t *testing.T) {
	for _, tt := range []struct {
		name, method, path, body string
		status                   int
		allow                    string
	}{
		{"unknown path", http.MethodGet, "/v1/nope", "", http.StatusNotFound, ""},
		{"unknown version", http.MethodGet, "/v2/status", "", http.StatusNotFound, ""},
		{"wrong method", http.MethodDelete, PathConfig, "", http.StatusMethodNotAllowed, "GET, PUT"},
		{"GET on a POST endpoint", http.MethodGet, PathWait, "", http.StatusMethodNotAllowed, "POST"},
		{"bad JSON", http.MethodPost, PathResend, `{"webhook_id": `, http.StatusBadRequest, ""},
		{"bad limit", http.MethodGet, PathHistory + "?limit=ten", "", http.StatusBadRequest, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := connect(t, newFake())
			req, err := http.NewRequestWithContext(t.Context(), tt.method, host+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			readErrorBody(t, resp, tt.status)
			if got := resp.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow %q, want %q", got, tt.allow)
			}
		})
	}
}

func TestValidationErrorBody(t *testing.T) {
	f := newFake()
	f.SaveFn = func(*hooks.Config) error { return twoProblems() }
	c, _ := connect(t, f)
	b, _ := json.Marshal(testConfig())
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPut, host+PathConfig, strings.NewReader(string(b)))
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := readErrorBody(t, resp, http.StatusUnprocessableEntity)
	equal(t, "problems", body.Problems, twoProblems().Problems)
	equal(t, "error", body.Error, twoProblems().Error())
}

// tokenListener is a loopback TCP listener with a token, as the control
// API listens on Windows.
type tokenListener struct {
	net.Listener
	tok string
}

func (l tokenListener) Token() string { return l.tok }

// On a listener with a token (loopback TCP, which every local user can
// reach), a request without the right token is refused before any
// endpoint runs.
func TestTokenRequired(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := newFake()
	srv := Serve(tokenListener{ln, "s3cret-token"}, f, nil)
	t.Cleanup(func() { srv.Close() })
	url := "http://" + ln.Addr().String() + PathStatus
	for _, tc := range []struct {
		name, auth string
		want       int
	}{
		{"no token", "", http.StatusUnauthorized},
		{"wrong token", "Bearer guess", http.StatusUnauthorized},
		{"right token", "Bearer s3cret-token", http.StatusOK},
	} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, res.StatusCode, tc.want)
		}
	}
}
