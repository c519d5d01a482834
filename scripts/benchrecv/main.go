// Command benchrecv is the loopback webhook receiver of
// scripts/bench-sip.sh. It answers 200 to every request and records when
// each arrived, keyed by its "c" query parameter (the hook sends
// {call_id}). On SIGTERM it reads the sipp log of answered calls given by
// -answers ("answered CALL-ID [timestamp]" lines) and prints
// the SIP 200 OK -> webhook arrival latency p50/p99.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:0", "address to listen on")
	answers := flag.String("answers", "", "glob of sipp -trace_logs files with the 200 OK times")
	flag.Parse()

	var mu sync.Mutex
	arrived := map[string]time.Time{}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		mu.Lock()
		arrived[r.URL.Query().Get("c")] = at
		mu.Unlock()
	})}
	go srv.Serve(ln)
	fmt.Fprintf(os.Stderr, "benchrecv listening on %s\n", ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	<-ctx.Done()
	srv.Close()

	files, _ := filepath.Glob(*answers)
	var lat []time.Duration
	answered := 0
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			log.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			// "answered CALL-ID DATE TIME UNIX.MICROS" (sipp's [timestamp]).
			fields := strings.Fields(sc.Text())
			if len(fields) != 5 || fields[0] != "answered" {
				continue
			}
			answered++
			secs, err := strconv.ParseFloat(fields[4], 64)
			if err != nil {
				log.Fatalf("%s: %v", f, err)
			}
			ok200 := time.Unix(0, int64(secs*1e6)*1e3)
			if at, ok := arrived[fields[1]]; ok {
				lat = append(lat, at.Sub(ok200))
			}
		}
		fh.Close()
	}
	slices.Sort(lat)
	pct := func(q float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[int(q*float64(len(lat)-1))]
	}
	fmt.Printf("200 OK -> webhook arrival: %d of %d answered calls, %d webhooks; p50=%.2fms p99=%.2fms max=%.2fms\n",
		len(lat), answered, len(arrived), ms(pct(0.5)), ms(pct(0.99)), ms(pct(1)))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
