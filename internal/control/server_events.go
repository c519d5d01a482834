//go:build cgo || !darwin

package control

import (
	"encoding/json"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/callhook/callhook/ui"
)

// streamBuffer is how many events wait for one stream. The window reads
// as fast as the socket carries them, so only a hung client fills it; it
// is dropped then, rather than the agent held up.
const streamBuffer = 1024

// events streams the service's events as NDJSON, one flushed line each,
// until the client goes away, falls behind or the server closes.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	conn, _ := ctx.Value(connKey{}).(net.Conn)
	queue := make(chan ui.Event, s.streamBuffer)
	behind := make(chan struct{})
	var once sync.Once
	cancel := s.svc.Subscribe(func(ev ui.Event) {
		select {
		case queue <- ev:
		default:
			once.Do(func() {
				close(behind)
				// A write stuck on a client that does not read returns
				// at once; the client sees its stream end.
				if conn != nil {
					conn.Close()
				}
			})
		}
	})
	defer cancel()

	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", contentNDJSON)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	// The headers tell the client that it is subscribed.
	rc.SetWriteDeadline(time.Now().Add(writeTimeout))
	if err := rc.Flush(); err != nil {
		return
	}
	enc := json.NewEncoder(w)
	for {
		select {
		case ev := <-queue:
			rc.SetWriteDeadline(time.Now().Add(writeTimeout))
			err := enc.Encode(ev)
			if err == nil {
				err = rc.Flush()
			}
			if err != nil {
				s.log.Debug("event stream ended", "err", err)
				return
			}
		case <-behind:
			s.log.Debug("event stream dropped: the client fell behind", "queued", cap(queue))
			return
		case <-ctx.Done():
			return
		}
	}
}
