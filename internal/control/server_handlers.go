//go:build cgo || !darwin

package control

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/callhook/callhook/hooks"
	"github.com/callhook/callhook/sip"
)

func (s *Server) config(w http.ResponseWriter, r *http.Request) {
	s.respond(w, r, s.svc.Config(), nil)
}

func (s *Server) save(w http.ResponseWriter, r *http.Request) {
	var cfg hooks.Config
	if s.decode(w, r, &cfg) {
		s.done(w, r, s.svc.Save(&cfg))
	}
}

func (s *Server) reload(w http.ResponseWriter, r *http.Request) {
	cfg, err := s.svc.Reload()
	s.respondBoth(w, r, cfg, err)
}

func (s *Server) test(w http.ResponseWriter, r *http.Request) {
	var req testRequest
	if s.decode(w, r, &req) {
		res, err := s.svc.Test(r.Context(), req.Hook, req.Trigger)
		s.respondBoth(w, r, res, err)
	}
}

func (s *Server) history(w http.ResponseWriter, r *http.Request) {
	limit, err := strconv.Atoi(r.URL.Query().Get(ParamLimit))
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, fmt.Errorf("query parameter %s: want a number", ParamLimit), nil)
		return
	}
	rows, err := s.svc.History(r.Context(), limit)
	s.respond(w, r, rows, err)
}

func (s *Server) activeCalls(w http.ResponseWriter, r *http.Request) {
	s.respond(w, r, s.svc.ActiveCalls(), nil)
}

func (s *Server) resend(w http.ResponseWriter, r *http.Request) {
	var req resendRequest
	if s.decode(w, r, &req) {
		s.done(w, r, s.svc.Resend(r.Context(), req.WebhookID))
	}
}

func (s *Server) delivery(w http.ResponseWriter, r *http.Request) {
	var req resendRequest
	if s.decode(w, r, &req) {
		d, err := s.svc.Delivery(r.Context(), req.WebhookID)
		s.respond(w, r, d, err)
	}
}

func (s *Server) source(w http.ResponseWriter, r *http.Request) {
	s.respond(w, r, s.svc.SourceStatus(), nil)
}

func (s *Server) policy(w http.ResponseWriter, r *http.Request) {
	s.respond(w, r, s.svc.Policy(), nil)
}

// setSecret takes the value from the body only; neither it nor the body
// is ever logged.
func (s *Server) setSecret(w http.ResponseWriter, r *http.Request) {
	var req secretRequest
	if s.decode(w, r, &req) {
		s.done(w, r, s.svc.SetSecret(req.Name, req.Value))
	}
}

func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	s.respond(w, r, s.svc.Status(r.Context()), nil)
}

func (s *Server) show(w http.ResponseWriter, r *http.Request) {
	s.done(w, r, s.svc.ShowWindow())
}

func (s *Server) hookTest(w http.ResponseWriter, r *http.Request) {
	var req hookTestRequest
	if s.decode(w, r, &req) {
		res, err := s.svc.HookTest(r.Context(), req.ID, req.Trigger)
		s.respondBoth(w, r, res, err)
	}
}

func (s *Server) simulateCall(w http.ResponseWriter, r *http.Request) {
	var sim sip.Simulation
	if s.decode(w, r, &sim) {
		id, err := s.svc.SimulateCall(r.Context(), sim)
		s.respond(w, r, callRequest{ID: id}, err)
	}
}

// wait is a long poll: it answers when the service's Wait returns, which
// it does early when the client goes away and the context ends.
func (s *Server) wait(w http.ResponseWriter, r *http.Request) {
	var req callRequest
	if s.decode(w, r, &req) {
		s.done(w, r, s.svc.Wait(r.Context(), req.ID))
	}
}
