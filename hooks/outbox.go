package hooks

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/callhook/callhook/call"
)

// The outbox side of the journal: what the dispatcher writes. A delivery
// row is inserted before it is attempted and carries everything an
// attempt needs (the hook as configured then, the call snapshot), so a
// restart resumes it without the config or the call still being around.

// Statements on the hot path. (The driver parses SQL on every execution
// whether prepared or not, so they are not prepared.)
const (
	qUpsertCall = `INSERT INTO calls (` + callColumns + `)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET direction = excluded.direction, queue = excluded.queue,
			caller_number = excluded.caller_number, caller_name = excluded.caller_name,
			callee_number = excluded.callee_number, callee_name = excluded.callee_name,
			start_ms = excluded.start_ms, answer_ms = excluded.answer_ms, end_ms = excluded.end_ms,
			outcome = excluded.outcome, user_name = excluded.user_name, updated_ms = excluded.updated_ms`
	qInsertDelivery = `INSERT OR IGNORE INTO deliveries (
			webhook_id, call_id, hook_id, hook_name, trigger_name, action, hook_json, call_json,
			country_code, event_ms, state, next_attempt_ms, created_ms, updated_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`
	qLoadDelivery  = `SELECT ` + outboxColumns + ` FROM deliveries WHERE webhook_id = ?`
	qInsertAttempt = `INSERT INTO attempts
		(delivery_id, at_ms, status_code, latency_us, error, response) VALUES (?, ?, ?, ?, ?, ?)`
	qRecordAttempt = `UPDATE deliveries SET state = ?, attempts = attempts + 1,
		next_attempt_ms = ?, status_code = ?, error = ?, latency_us = ?, updated_ms = ?
		WHERE webhook_id = ?`
	// qPending skips deliveries whose call and hook have an earlier one
	// still pending: they wait their turn (see order.go). Conditions
	// leaving out lanes go between it and qPendingOrder.
	qPending = `SELECT ` + outboxColumns + `, next_attempt_ms FROM deliveries AS d
		WHERE state = 'pending' AND NOT EXISTS (
			SELECT 1 FROM deliveries AS e WHERE e.call_id = d.call_id AND e.hook_id = d.hook_id
				AND e.state = 'pending' AND e.rowid < d.rowid)`
	qPendingOrder = ` ORDER BY next_attempt_ms LIMIT ?`
	// The conditions leaving out one lane.
	qNotBrowserLane = ` AND NOT (d.hook_id = ? AND d.action = '` + ActionBrowser + `')`
	qNotHTTPLane    = ` AND NOT (d.hook_id = ? AND d.action <> '` + ActionBrowser + `')`
)

// enqueued is one event to persist with the config it arrived under.
type enqueued struct {
	ev  call.Event
	cfg *Config
}

// outboxRow is a delivery as an attempt needs it.
type outboxRow struct {
	id          string
	hook        Hook
	trigger     call.Trigger
	call        call.Call
	countryCode string
	eventAt     time.Time
	state       State
	attempts    int
}

// attemptRecord is the outcome of one attempt to write to the journal.
type attemptRecord struct {
	at         time.Time
	statusCode int
	latency    time.Duration
	err        string
	response   string
	state      State
	next       time.Time // for a pending delivery: when to try again
}

// ingest records the calls of batch and inserts one pending delivery per
// matching hook, in one transaction. It returns the ids of deliveries it
// inserted, ready for an attempt: a trigger that already fired for a call and hook is ignored,
// which is what makes each fire at most once, across restarts too.
// Deliveries are due at now.
func (j *Journal) ingest(ctx context.Context, batch []enqueued, now time.Time) ([]outboxRow, error) {
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin ingest: %w", err)
	}
	defer tx.Rollback()
	upsert, err := tx.PrepareContext(ctx, qUpsertCall)
	if err != nil {
		return nil, fmt.Errorf("prepare call upsert: %w", err)
	}
	defer upsert.Close()
	insert, err := tx.PrepareContext(ctx, qInsertDelivery)
	if err != nil {
		return nil, fmt.Errorf("prepare delivery insert: %w", err)
	}
	defer insert.Close()

	nowMS := ms(now)
	var rows []outboxRow
	for _, e := range batch {
		c := e.ev.Call
		if _, err := upsert.ExecContext(ctx, c.ID, string(c.Direction), c.Queue, c.Caller.Number,
			c.Caller.Name, c.Callee.Number, c.Callee.Name, ms(c.Start), ms(c.Answer), ms(c.End),
			string(c.Outcome), c.User, nowMS); err != nil {
			return nil, fmt.Errorf("record call: %w", err)
		}
		hooks := matching(e.cfg, e.ev.Trigger)
		if len(hooks) == 0 {
			continue
		}
		callJSON, err := json.Marshal(c.Stored())
		if err != nil {
			return nil, fmt.Errorf("encode call snapshot: %w", err)
		}
		at := e.ev.At
		if at.IsZero() {
			at = now
		}
		for _, h := range hooks {
			hookJSON, err := json.Marshal(h)
			if err != nil {
				return nil, fmt.Errorf("encode hook %s snapshot: %w", h.ID, err)
			}
			id := WebhookID(c.ID, h.ID, e.ev.Trigger)
			res, err := insert.ExecContext(ctx, id, c.ID, h.ID, h.Name, string(e.ev.Trigger),
				h.Action, string(hookJSON), string(callJSON), e.cfg.CountryCode,
				at.UnixMilli(), nowMS, nowMS, nowMS)
			if err != nil {
				return nil, fmt.Errorf("enqueue delivery of hook %s: %w", h.ID, err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				rows = append(rows, outboxRow{id: id, hook: *h, trigger: e.ev.Trigger, call: c,
					countryCode: e.cfg.CountryCode, eventAt: time.UnixMilli(at.UnixMilli()), state: StatePending})
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit ingest: %w", err)
	}
	return rows, nil
}

// matching returns the hooks of cfg that fire on t: the global switch
// on, the hook enabled, t among its triggers.
func matching(cfg *Config, t call.Trigger) []*Hook {
	if cfg == nil || !cfg.Enabled {
		return nil
	}
	var out []*Hook
	for i := range cfg.Hooks {
		h := &cfg.Hooks[i]
		if !h.Enabled {
			continue
		}
		for _, ht := range h.Triggers {
			if ht == t {
				out = append(out, h)
				break
			}
		}
	}
	return out
}

// load reads the delivery id for an attempt.
func (j *Journal) load(ctx context.Context, id string) (outboxRow, error) {
	r, err := scanOutboxRow(j.db.QueryRowContext(ctx, qLoadDelivery, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("load delivery %s: %w", id, ErrDeliveryNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("load delivery %s: %w", id, err)
	}
	return r, nil
}

// outboxColumns are what an attempt needs of a delivery, in the order
// scanOutboxRow reads them.
const outboxColumns = `webhook_id, hook_json, call_json, trigger_name,
	country_code, event_ms, state, attempts`

// scanOutboxRow reads outboxColumns (and then extra) from s.
func scanOutboxRow(s interface{ Scan(...any) error }, extra ...any) (outboxRow, error) {
	var r outboxRow
	var hookJSON, callJSON, trigger, state string
	var eventMS int64
	dest := append([]any{&r.id, &hookJSON, &callJSON, &trigger, &r.countryCode, &eventMS, &state, &r.attempts}, extra...)
	if err := s.Scan(dest...); err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(hookJSON), &r.hook); err != nil {
		return r, fmt.Errorf("decode hook snapshot of %s: %w", r.id, err)
	}
	if err := json.Unmarshal([]byte(callJSON), &r.call); err != nil {
		return r, fmt.Errorf("decode call snapshot of %s: %w", r.id, err)
	}
	r.trigger, r.state, r.eventAt = call.Trigger(trigger), State(state), time.UnixMilli(eventMS)
	return r, nil
}

// record writes one attempt and the delivery's new state.
func (j *Journal) record(ctx context.Context, id string, a attemptRecord) error {
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record attempt of %s: %w", id, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, qInsertAttempt, id, ms(a.at), a.statusCode, a.latency.Microseconds(), a.err, a.response); err != nil {
		return fmt.Errorf("record attempt of %s: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, qRecordAttempt, string(a.state), ms(a.next), a.statusCode, a.err, a.latency.Microseconds(), ms(a.at), id); err != nil {
		return fmt.Errorf("update delivery %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record attempt of %s: %w", id, err)
	}
	return nil
}

// dueRow is a pending delivery and when it is due.
type dueRow struct {
	row outboxRow
	due time.Time
}

// pending returns up to limit pending deliveries, earliest due first,
// whole: the scheduler hands them to lanes without reading them again.
// Deliveries of the lanes in skip are left out.
func (j *Journal) pending(ctx context.Context, limit int, skip []laneKey) ([]dueRow, error) {
	var q strings.Builder
	q.WriteString(qPending)
	args := make([]any, 0, len(skip)+1)
	for _, k := range skip {
		if k.browser {
			q.WriteString(qNotBrowserLane)
		} else {
			q.WriteString(qNotHTTPLane)
		}
		args = append(args, k.hook)
	}
	q.WriteString(qPendingOrder)
	rows, err := j.db.QueryContext(ctx, q.String(), append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	var out []dueRow
	for rows.Next() {
		var due int64
		r, err := scanOutboxRow(rows, &due)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("read outbox: %w", err)
		}
		out = append(out, dueRow{row: r, due: time.UnixMilli(due)})
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return out, nil
}

// pendingCount counts the pending deliveries of a call.
func (j *Journal) pendingCount(ctx context.Context, callID string) (int, error) {
	var n int
	err := j.db.QueryRowContext(ctx, `SELECT count(*) FROM deliveries
		WHERE call_id = ? AND state = 'pending'`, callID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count pending deliveries of call: %w", err)
	}
	return n, nil
}

// Pending counts the deliveries waiting in the outbox, of every call:
// what `callhook status` reports.
func (j *Journal) Pending(ctx context.Context) (int, error) {
	var n int
	err := j.db.QueryRowContext(ctx, `SELECT count(*) FROM deliveries WHERE state = 'pending'`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count pending deliveries: %w", err)
	}
	return n, nil
}

// browserOpened reports whether another browser delivery of the same call
// and hook already opened its page.
func (j *Journal) browserOpened(ctx context.Context, callID, hookID, exceptID string) (bool, error) {
	var n int
	err := j.db.QueryRowContext(ctx, `SELECT count(*) FROM deliveries
		WHERE call_id = ? AND hook_id = ? AND action = ? AND state = 'delivered' AND webhook_id <> ?`,
		callID, hookID, ActionBrowser, exceptID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check browser deliveries of call: %w", err)
	}
	return n > 0, nil
}

// ErrNotResendable is returned by Resend for a delivery that is not failed.
var ErrNotResendable = errors.New("only failed or dropped deliveries can be re-sent")

// requeue makes a failed or dropped delivery pending again, due now, with
// the same webhook id so the receiver can still deduplicate it.
func (j *Journal) requeue(ctx context.Context, id string, at time.Time) error {
	now := ms(at)
	res, err := j.db.ExecContext(ctx, `UPDATE deliveries SET state = 'pending', attempts = 0,
		next_attempt_ms = ?, updated_ms = ? WHERE webhook_id = ? AND state IN ('failed', 'dropped')`,
		now, now, id)
	if err != nil {
		return fmt.Errorf("re-send delivery %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var state string
	err = j.db.QueryRowContext(ctx, `SELECT state FROM deliveries WHERE webhook_id = ?`, id).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("re-send delivery %s: %w", id, ErrDeliveryNotFound)
	}
	if err != nil {
		return fmt.Errorf("re-send delivery %s: %w", id, err)
	}
	return fmt.Errorf("re-send delivery %s: it is %s: %w", id, state, ErrNotResendable)
}
