package sip

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/callhook/callhook/internal/siptest"
)

// On Linux the loopback tests also run over TLS, and the dialog source
// meets a PBX on another host: Kamailio in a network namespace at
// 10.231.x.x (siptest.NewBed), reached over a veth from the host's own
// address, not loopback.

func init() { transports = append(transports, TransportTLS) }

// startTLSDialogPBX runs the dialog PBX with a TLS listener on a free
// port, its certificate for 127.0.0.1 issued by a fresh CA; it returns
// the PBX, the TLS address and the CA's PEM file.
func startTLSDialogPBX(t *testing.T, bin siptest.Binaries) (*siptest.Kamailio, string, string) {
	t.Helper()
	port := siptest.FreePort(t)
	var ca string
	pbx := siptest.StartDialogPBXWith(t, bin, agent, agentSecret, siptest.KamailioOptions{
		Vars: map[string]any{"TLS": true, "TLSPort": port},
		Setup: func(t testing.TB, dir string) map[string]any {
			f, err := siptest.MakeCerts(dir, "127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			ca = f.CAFile
			cfg := filepath.Join(dir, "tls.cfg")
			conf := fmt.Sprintf("[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n"+
				"certificate = %s\nprivate_key = %s\n\n[client:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\n",
				f.CertFile, f.KeyFile)
			if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
				t.Fatal(err)
			}
			return map[string]any{"TLSConfig": cfg}
		},
	})
	return pbx, siptest.Addr(port), ca
}

// startBedDialog runs the dialog source on the host against a bed's PBX
// over transport, with the PBX's address as the domain (no port).
func startBedDialog(t *testing.T, transport string, o siptest.BedOptions, edit func(*DialogConfig, *siptest.Bed)) (*dialogE2E, *siptest.Bed) {
	t.Helper()
	bin := siptest.RequirePeers(t)
	o.Config, o.User, o.Password = "dialog", agent, agentSecret
	o.TLS = o.TLS || transport == TransportTLS
	b := siptest.NewBed(t, bin, o)
	e := &dialogE2E{t: t, bin: bin, rec: &recorder{}, pbx: b.PBX}
	cfg := DialogConfig{
		Server: b.PBXAddr, Transport: transport, Domain: b.PBXIP, Username: agent, Password: agentSecret,
		Watch: []string{agent}, Expires: 10 * time.Second,
	}
	if transport == TransportTLS {
		cfg.Server, cfg.CAFile = b.TLSAddr, b.CAFile
	}
	if edit != nil {
		edit(&cfg, b)
	}
	e.call = func(caller, callee, uac, uas string) {
		t.Helper()
		// Both parties run beside the PBX, so that the PBX publishes the
		// agent's dialogs as sip:1002@PBXIP (the scenarios put the
		// parties' own hosts in From and To): what crosses the network
		// under test is the subscription and its NOTIFYs.
		phone := b.StartRemote(t, siptest.SippOptions{Scenario: uas, Args: []string{"-d", "300"}})
		err := b.StartRemote(t, siptest.SippOptions{
			Scenario: uac, Service: callee, Remote: net.JoinHostPort(b.PBXIP, strconv.Itoa(phone.Port)),
			Keys: map[string]string{"caller": caller},
			Args: []string{"-rsa", b.PBXAddr, "-d", "500"},
		}).Wait()
		if err != nil {
			t.Fatalf("caller sipp: %v", err)
		}
		if err := phone.Wait(); err != nil {
			t.Fatalf("agent sipp: %v", err)
		}
	}
	e.start(cfg)
	return e, b
}

// TestDialogE2EBed runs the calls of the loopback tests against a PBX on
// another host, over each transport. The subscription lives 10 s, so the
// refreshes (in the dialog, to the PBX's Contact, with a domain without
// port) happen during the test; each must succeed.
func TestDialogE2EBed(t *testing.T) {
	for _, transport := range []string{TransportUDP, TransportTCP, TransportTLS} {
		t.Run(transport, func(t *testing.T) {
			t.Parallel()
			e, b := startBedDialog(t, transport, siptest.BedOptions{}, nil)
			e.incomingAnswered()
			s := e.src.Status()
			if s.Transport != transport || !strings.HasPrefix(s.Advertised, b.HostIP+":") || s.Learned {
				t.Errorf("status %+v, want %s from %s, no NAT", s, transport, b.HostIP)
			}
			clearEvents(e.rec)
			e.outgoingAnswered()
			clearEvents(e.rec)
			e.incomingMissed()
			// Past a refresh (at 8 s): still subscribed, no error since.
			time.Sleep(time.Until(e.started.Add(9 * time.Second)))
			e.mu.Lock()
			defer e.mu.Unlock()
			for _, st := range e.statuses {
				if st.State == StateError {
					t.Errorf("status turned error: %s", st.Err)
				}
			}
			if last := e.statuses[len(e.statuses)-1]; last.State != StateSubscribed || e.subscribes != 1 {
				t.Errorf("last status %+v after %d subscribes, want one subscription kept by refreshes", last, e.subscribes)
			}
		})
	}
}

// TestDialogE2EBedWrongCert gives the source a PBX whose certificate is
// issued for another name: the status says which host and why, nothing
// is subscribed, and it retries with backoff rather than in a loop.
func TestDialogE2EBedWrongCert(t *testing.T) {
	t.Parallel()
	e, b := startBedDialog(t, TransportTLS, siptest.BedOptions{CertName: "pbx.wrong.example"}, nil)
	deadline := time.Now().Add(10 * time.Second)
	for e.src.Status().State != StateError {
		if time.Now().After(deadline) {
			t.Fatalf("no error status with a wrong certificate: %+v", e.src.Status())
		}
		time.Sleep(20 * time.Millisecond)
	}
	s := e.src.Status()
	if !strings.Contains(s.Err, "TLS to "+b.PBXIP) || !strings.Contains(s.Err, "not for this name") {
		t.Errorf("error %q, want it to name the host and the name mismatch", s.Err)
	}
	// Retries follow, with backoff: none of them may get a SUBSCRIBE
	// through, for one documented quiet period.
	if !siptest.Steady(func() bool { return !strings.Contains(b.PBX.Output(), "SUBSCRIBE") }) {
		t.Errorf("the PBX saw %d SUBSCRIBEs through a certificate we refuse", strings.Count(b.PBX.Output(), "SUBSCRIBE"))
	}
	if evs := e.rec.snapshot(); len(evs) != 0 {
		t.Errorf("events %v, want none", evs)
	}
}

// TestDialogE2EBedUnknownCA leaves out the CA file: the error says to set
// ca_file.
func TestDialogE2EBedUnknownCA(t *testing.T) {
	t.Parallel()
	e, _ := startBedDialog(t, TransportTLS, siptest.BedOptions{}, func(c *DialogConfig, _ *siptest.Bed) { c.CAFile = "" })
	deadline := time.Now().Add(10 * time.Second)
	for e.src.Status().State != StateError {
		if time.Now().After(deadline) {
			t.Fatalf("no error status without the CA: %+v", e.src.Status())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if s := e.src.Status(); !strings.Contains(s.Err, "source.dialog.ca_file") {
		t.Errorf("error %q, want it to point at source.dialog.ca_file", s.Err)
	}
}

func clearEvents(r *recorder) {
	r.mu.Lock()
	r.events = nil
	r.mu.Unlock()
}
