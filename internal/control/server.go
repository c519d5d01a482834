//go:build cgo || !darwin

package control

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/callhook/callhook/hooks"
)

// Server limits. There is no timeout for a whole response: an event
// stream or a Wait lasts as long as the client wants. Each write has a
// deadline instead, so a client that stops reading holds nothing for
// long.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	idleTimeout       = 2 * time.Minute
	writeTimeout      = 10 * time.Second
	maxHeaderBytes    = 64 << 10
)

// Server serves a Service on a listener.
type Server struct {
	svc    Service
	log    *slog.Logger
	ln     net.Listener
	http   *http.Server
	routes map[string]map[string]http.HandlerFunc
	// streamBuffer is how many events wait for one slow stream before
	// it is dropped.
	streamBuffer int

	// ctx is every request's; Close cancels it.
	ctx    context.Context
	cancel context.CancelFunc
	served chan struct{} // closed when http.Serve returned

	mu       sync.Mutex
	closed   bool
	handlers sync.WaitGroup
}

// connKey is the request context's key to its connection, which an
// event stream closes to drop a client that does not keep up.
type connKey struct{}

// Serve serves svc on ln until Close. log may be nil.
func Serve(ln net.Listener, svc Service, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{svc: svc, log: log, ln: ln, streamBuffer: streamBuffer, served: make(chan struct{})}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.routes = s.routeTable()
	s.http = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
		BaseContext:       func(net.Listener) context.Context { return s.ctx },
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
	}
	go func() {
		defer close(s.served)
		if err := s.http.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Error("control api stopped", "err", err)
		}
	}()
	return s
}

// Close stops accepting, ends the event streams, closes the connections
// and waits for the requests in progress to return.
func (s *Server) Close() error {
	s.mu.Lock()
	closed := s.closed
	s.closed = true
	s.mu.Unlock()
	if closed {
		return nil
	}
	s.cancel()
	err := s.http.Close()
	// Serve may not have taken the listener yet; then nobody closes it.
	if lerr := s.ln.Close(); err == nil && !errors.Is(lerr, net.ErrClosed) {
		err = lerr
	}
	<-s.served
	s.handlers.Wait()
	return err
}

func (s *Server) routeTable() map[string]map[string]http.HandlerFunc {
	return map[string]map[string]http.HandlerFunc{
		PathConfig:       {http.MethodGet: s.config, http.MethodPut: s.save},
		PathReload:       {http.MethodPost: s.reload},
		PathTest:         {http.MethodPost: s.test},
		PathHistory:      {http.MethodGet: s.history},
		PathCalls:        {http.MethodGet: s.activeCalls},
		PathResend:       {http.MethodPost: s.resend},
		PathDelivery:     {http.MethodPost: s.delivery},
		PathSource:       {http.MethodGet: s.source},
		PathPolicy:       {http.MethodGet: s.policy},
		PathSecret:       {http.MethodPost: s.setSecret},
		PathEvents:       {http.MethodGet: s.events},
		PathStatus:       {http.MethodGet: s.status},
		PathShow:         {http.MethodPost: s.show},
		PathHookTest:     {http.MethodPost: s.hookTest},
		PathSimulateCall: {http.MethodPost: s.simulateCall},
		PathWait:         {http.MethodPost: s.wait},
	}
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.fail(w, r, http.StatusServiceUnavailable, errors.New("callhook is shutting down"), nil)
		return
	}
	s.handlers.Add(1)
	s.mu.Unlock()
	defer s.handlers.Done()
	if !s.authorised(r) {
		s.fail(w, r, http.StatusUnauthorized, errors.New("wrong or missing token"), nil)
		return
	}
	methods, ok := s.routes[r.URL.Path]
	if !ok {
		s.fail(w, r, http.StatusNotFound, fmt.Errorf("no endpoint %s", r.URL.Path), nil)
		return
	}
	h, ok := methods[r.Method]
	if !ok {
		allow := slices.Sorted(maps.Keys(methods))
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.fail(w, r, http.StatusMethodNotAllowed, fmt.Errorf("%s takes %s, not %s", r.URL.Path, strings.Join(allow, " or "), r.Method), nil)
		return
	}
	s.log.Debug("request", "method", r.Method, "path", r.URL.Path)
	h(w, r)
}

// errTooLarge is the answer to a body over maxBody.
var errTooLarge = fmt.Errorf("request body is larger than %d bytes", maxBody)

// decode reads the JSON request body into v, or answers the request with
// an error and returns false.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if r.ContentLength > maxBody {
		s.fail(w, r, http.StatusRequestEntityTooLarge, errTooLarge, nil)
		return false
	}
	body := http.MaxBytesReader(w, r.Body, maxBody)
	err := json.NewDecoder(body).Decode(v)
	if err == nil {
		// Read to the end: net/http watches the connection, and cancels
		// the request's context when the client goes away (a Wait relies
		// on it), only once the body is read.
		_, err = io.Copy(io.Discard, body)
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		s.fail(w, r, http.StatusRequestEntityTooLarge, errTooLarge, nil)
		return false
	case err != nil:
		s.fail(w, r, http.StatusBadRequest, fmt.Errorf("read request body: %w", err), nil)
		return false
	}
	return true
}

// respond answers with v, or with err.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err, nil)
		return
	}
	s.write(w, http.StatusOK, v)
}

// respondBoth answers with v, or with err and v: for the methods whose
// result means something along with an error.
func (s *Server) respondBoth(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err, v)
		return
	}
	s.write(w, http.StatusOK, v)
}

// done answers a request that returns nothing but err.
func (s *Server) done(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err, nil)
		return
	}
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(writeTimeout))
	w.WriteHeader(http.StatusNoContent)
}

// fail answers with an errorBody; a *hooks.ValidationError takes its
// problems along, with status 422. value, when not nil, goes along too.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, err error, value any) {
	body := errorBody{Error: err.Error(), Problems: []hooks.Problem{}}
	if ve := (*hooks.ValidationError)(nil); errors.As(err, &ve) {
		status = http.StatusUnprocessableEntity
		if ve.Problems != nil {
			body.Problems = ve.Problems
		}
	}
	if value != nil {
		if raw, err := json.Marshal(value); err == nil {
			body.Value = raw
		}
	}
	s.log.Debug("request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	s.write(w, status, body)
}

func (s *Server) write(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(errorBody{Error: fmt.Sprintf("encode response: %v", err), Problems: []hooks.Problem{}})
	}
	// Set for every response: without a server WriteTimeout, net/http
	// leaves a deadline on the connection for the next request as it is.
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(writeTimeout))
	w.Header().Set("Content-Type", contentJSON)
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// authorised checks a request's token where the listener has one
// (loopback TCP on Windows, which any local user can connect to); a
// Unix socket is the user's own by its file mode.
func (s *Server) authorised(r *http.Request) bool {
	t, ok := s.ln.(interface{ Token() string })
	if !ok || t.Token() == "" {
		return true
	}
	want := "Bearer " + t.Token()
	got := r.Header.Get("Authorization")
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
