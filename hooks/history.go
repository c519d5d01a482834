package hooks

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/callhook/callhook/call"
)

// CallEntry is one call as the journal recorded it, with its deliveries.
type CallEntry struct {
	Call       call.Call
	Updated    time.Time
	Deliveries []DeliveryEntry
}

// DeliveryEntry is one hook firing on one trigger of one call.
type DeliveryEntry struct {
	// WebhookID is the delivery's id: the webhook-id header, stable
	// across retries.
	WebhookID   string
	CallID      string
	HookID      string
	HookName    string
	Trigger     call.Trigger
	Action      string
	State       State
	Attempts    int
	NextAttempt time.Time // when a pending delivery is next tried
	StatusCode  int       // of the last attempt, 0 if none or no response
	Error       string    // of the last attempt
	Latency     time.Duration
	Created     time.Time
	Updated     time.Time
	// History lists every attempt, oldest first; only Delivery fills it.
	History []Attempt
}

// Attempt is one try of a delivery.
type Attempt struct {
	At         time.Time
	StatusCode int
	Latency    time.Duration
	Error      string
	Response   string // excerpt of the response body, sanitised
}

const deliveryColumns = `webhook_id, call_id, hook_id, hook_name, trigger_name, action, state,
	attempts, next_attempt_ms, status_code, error, latency_us, created_ms, updated_ms`

func scanDelivery(s interface{ Scan(...any) error }) (DeliveryEntry, error) {
	var e DeliveryEntry
	var trigger, state string
	var next, latency, created, updated int64
	err := s.Scan(&e.WebhookID, &e.CallID, &e.HookID, &e.HookName, &trigger, &e.Action, &state,
		&e.Attempts, &next, &e.StatusCode, &e.Error, &latency, &created, &updated)
	e.Trigger, e.State = call.Trigger(trigger), State(state)
	e.NextAttempt, e.Created, e.Updated = fromMS(next), fromMS(created), fromMS(updated)
	e.Latency = time.Duration(latency) * time.Microsecond
	return e, err
}

// Calls returns the newest limit calls, newest first, each with its
// deliveries in the order they were created.
func (j *Journal) Calls(ctx context.Context, limit int) ([]CallEntry, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := j.db.QueryContext(ctx, `SELECT `+callColumns+` FROM calls
		ORDER BY start_ms DESC, updated_ms DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read calls: %w", err)
	}
	var calls []CallEntry
	index := map[string]int{}
	for rows.Next() {
		c, err := scanCall(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("read calls: %w", err)
		}
		index[c.Call.ID] = len(calls)
		calls = append(calls, c)
	}
	// The journal has one connection: close before the next query.
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("read calls: %w", err)
	}
	if len(calls) == 0 {
		return calls, nil
	}
	oldest := calls[len(calls)-1].Call.Start
	rows, err = j.db.QueryContext(ctx, `SELECT `+joinedDeliveryColumns+`
		FROM deliveries d JOIN calls c ON c.id = d.call_id
		WHERE c.start_ms >= ? ORDER BY d.created_ms, d.rowid`, ms(oldest))
	if err != nil {
		return nil, fmt.Errorf("read deliveries: %w", err)
	}
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("read deliveries: %w", err)
		}
		if i, ok := index[d.CallID]; ok {
			calls[i].Deliveries = append(calls[i].Deliveries, d)
		}
	}
	if err := closeRows(rows); err != nil {
		return nil, fmt.Errorf("read deliveries: %w", err)
	}
	return calls, nil
}

// joinedDeliveryColumns is deliveryColumns qualified for a join.
const joinedDeliveryColumns = `d.webhook_id, d.call_id, d.hook_id, d.hook_name, d.trigger_name,
	d.action, d.state, d.attempts, d.next_attempt_ms, d.status_code, d.error, d.latency_us,
	d.created_ms, d.updated_ms`

// Delivery returns one delivery with its attempt history.
func (j *Journal) Delivery(ctx context.Context, id string) (DeliveryEntry, error) {
	e, err := scanDelivery(j.db.QueryRowContext(ctx,
		`SELECT `+deliveryColumns+` FROM deliveries WHERE webhook_id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return DeliveryEntry{}, fmt.Errorf("read delivery %s: %w", id, ErrDeliveryNotFound)
	}
	if err != nil {
		return DeliveryEntry{}, fmt.Errorf("read delivery %s: %w", id, err)
	}
	rows, err := j.db.QueryContext(ctx, `SELECT at_ms, status_code, latency_us, error, response
		FROM attempts WHERE delivery_id = ? ORDER BY id`, id)
	if err != nil {
		return DeliveryEntry{}, fmt.Errorf("read attempts of %s: %w", id, err)
	}
	for rows.Next() {
		var a Attempt
		var at, latency int64
		if err := rows.Scan(&at, &a.StatusCode, &latency, &a.Error, &a.Response); err != nil {
			rows.Close()
			return DeliveryEntry{}, fmt.Errorf("read attempts of %s: %w", id, err)
		}
		a.At, a.Latency = fromMS(at), time.Duration(latency)*time.Microsecond
		e.History = append(e.History, a)
	}
	if err := closeRows(rows); err != nil {
		return DeliveryEntry{}, fmt.Errorf("read attempts of %s: %w", id, err)
	}
	return e, nil
}

func closeRows(rows *sql.Rows) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}
