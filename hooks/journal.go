package hooks

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/callhook/callhook/call"
)

// JournalFile is the journal's file name inside the data directory.
const JournalFile = "journal.db"

// migrations[i] moves a journal from schema version i to i+1 (PRAGMA
// user_version). This build writes version len(migrations) and refuses a
// journal of a newer one.
var migrations = []string{`
CREATE TABLE calls (
	id            TEXT PRIMARY KEY,
	direction     TEXT NOT NULL,
	queue         TEXT NOT NULL DEFAULT '',
	caller_number TEXT NOT NULL DEFAULT '',
	caller_name   TEXT NOT NULL DEFAULT '',
	callee_number TEXT NOT NULL DEFAULT '',
	callee_name   TEXT NOT NULL DEFAULT '',
	start_ms      INTEGER NOT NULL DEFAULT 0,
	answer_ms     INTEGER NOT NULL DEFAULT 0,
	end_ms        INTEGER NOT NULL DEFAULT 0,
	outcome       TEXT NOT NULL DEFAULT '',
	user_name     TEXT NOT NULL DEFAULT '',
	updated_ms    INTEGER NOT NULL
);
CREATE INDEX calls_start ON calls (start_ms DESC);
CREATE TABLE deliveries (
	webhook_id      TEXT PRIMARY KEY,
	call_id         TEXT NOT NULL,
	hook_id         TEXT NOT NULL,
	hook_name       TEXT NOT NULL DEFAULT '',
	trigger_name    TEXT NOT NULL,
	action          TEXT NOT NULL,
	hook_json       TEXT NOT NULL,
	call_json       TEXT NOT NULL,
	country_code    TEXT NOT NULL DEFAULT '',
	event_ms        INTEGER NOT NULL,
	state           TEXT NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_ms INTEGER NOT NULL DEFAULT 0,
	status_code     INTEGER NOT NULL DEFAULT 0,
	error           TEXT NOT NULL DEFAULT '',
	latency_us      INTEGER NOT NULL DEFAULT 0,
	created_ms      INTEGER NOT NULL,
	updated_ms      INTEGER NOT NULL
);
CREATE INDEX deliveries_call ON deliveries (call_id);
CREATE INDEX deliveries_due ON deliveries (next_attempt_ms) WHERE state = 'pending';
CREATE TABLE attempts (
	id          INTEGER PRIMARY KEY,
	delivery_id TEXT NOT NULL,
	at_ms       INTEGER NOT NULL,
	status_code INTEGER NOT NULL DEFAULT 0,
	latency_us  INTEGER NOT NULL DEFAULT 0,
	error       TEXT NOT NULL DEFAULT '',
	response    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX attempts_delivery ON attempts (delivery_id);
`}

// ErrDeliveryNotFound is returned for a webhook id the journal does not hold.
var ErrDeliveryNotFound = errors.New("delivery not found")

// State is where a delivery stands.
type State string

// Delivery states. Only pending deliveries are ever attempted.
const (
	StatePending   State = "pending"
	StateDelivered State = "delivered"
	StateFailed    State = "failed"
	// StateDropped is a delivery deliberately not made: a browser hook
	// whose page this call already opened.
	StateDropped State = "dropped"
)

// Journal is the SQLite file that records calls and deliveries, and is the
// outbox: a delivery is written to it before it is attempted, so pending
// ones survive a crash or restart.
type Journal struct {
	db      *sql.DB
	path    string
	now     func() time.Time
	maxSize int64
}

// DefaultMaxJournalSize is the size the journal is pruned to besides age
// and count (see Prune): what its rows take, in bytes.
const DefaultMaxJournalSize = 50 << 20

// SetMaxSize sets the size Prune keeps the journal under, in bytes
// (default DefaultMaxJournalSize); zero or less disables the limit.
func (j *Journal) SetMaxSize(n int64) { j.maxSize = n }

// Open opens (creating it if need be) the journal in dir.
func Open(dir string) (*Journal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dir, JournalFile)
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", sqliteURI(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open journal %s: %w", path, err)
	}
	// One connection serialises writers inside the process, so workers
	// never meet SQLITE_BUSY; other processes (callhook history while
	// callhook run) are covered by busy_timeout.
	db.SetMaxOpenConns(1)
	j := &Journal{db: db, path: path, now: time.Now, maxSize: DefaultMaxJournalSize}
	if err := j.migrate(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	// SQLite creates the -wal and -shm files with the journal's mode; ones
	// an older Callhook left behind are tightened here.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := chmodPrivate(path + suffix); err != nil {
			db.Close()
			return nil, err
		}
	}
	return j, nil
}

// journalMode is the mode of the journal and its -wal and -shm files: they
// hold call records and webhook responses, which are nobody else's
// business, whatever the data directory's mode and the umask.
const journalMode = 0o600

// createPrivate creates the journal file with journalMode before SQLite
// opens it (SQLite would create it 0644 less the umask, and gives the
// -wal and -shm files the same mode), and tightens an existing one.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, journalMode)
	if err != nil {
		return fmt.Errorf("create journal %s: %w", path, err)
	}
	f.Close()
	return chmodPrivate(path)
}

// chmodPrivate sets path's mode to journalMode if it exists and differs.
func chmodPrivate(path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("journal file %s: %w", path, err)
	}
	if fi.Mode().Perm() == journalMode {
		return nil
	}
	if err := os.Chmod(path, journalMode); err != nil && runtime.GOOS != "windows" {
		return fmt.Errorf("make journal file %s private: %w", path, err)
	}
	return nil
}

// sqliteURI turns a file path into an SQLite URI filename. Without the
// escaping, a data directory containing "#" or "?" would silently open a
// different file.
func sqliteURI(path string) string {
	p := filepath.ToSlash(path)
	if filepath.VolumeName(path) != "" {
		p = "/" + p // file:///C:/...
	}
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
}

func (j *Journal) migrate(ctx context.Context) error {
	var v int
	if err := j.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("open journal %s: %w", j.path, err)
	}
	if v > len(migrations) {
		return fmt.Errorf("journal %s has schema %d, newer than this Callhook (%d): upgrade Callhook or move the file away", j.path, v, len(migrations))
	}
	for ; v < len(migrations); v++ {
		tx, err := j.db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migrate journal %s: %w", j.path, err)
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate journal %s to schema %d: %w", j.path, v+1, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate journal %s to schema %d: %w", j.path, v+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrate journal %s to schema %d: %w", j.path, v+1, err)
		}
	}
	return nil
}

// Path returns the journal file's path.
func (j *Journal) Path() string { return j.path }

// Close closes the journal file; close the dispatcher using it first.
func (j *Journal) Close() error {
	if err := j.db.Close(); err != nil {
		return fmt.Errorf("close journal: %w", err)
	}
	return nil
}

// Prune deletes finished calls older than maxAge and all but the newest
// maxCalls calls, with their deliveries and attempts; then the oldest
// finished calls until the journal's rows take less than its maximum size
// (SetMaxSize). A call with a pending delivery is never pruned: the
// outbox must not lose work. Zero disables either limit.
func (j *Journal) Prune(maxAge time.Duration, maxCalls int) error {
	ctx := context.Background()
	if _, err := j.prune(ctx, maxAge, maxCalls); err != nil {
		return err
	}
	return j.pruneSize(ctx)
}

func (j *Journal) prune(ctx context.Context, maxAge time.Duration, maxCalls int) (int64, error) {
	cutoff := int64(0)
	if maxAge > 0 {
		cutoff = ms(j.now().Add(-maxAge))
	}
	keep := int64(-1) // LIMIT -1: no limit
	if maxCalls > 0 {
		keep = int64(maxCalls)
	}
	return j.deleteCalls(ctx, `
DELETE FROM calls
WHERE (updated_ms < ? OR id NOT IN (SELECT id FROM calls ORDER BY start_ms DESC, updated_ms DESC LIMIT ?))
  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.call_id = calls.id AND d.state = 'pending')`,
		cutoff, keep)
}

// deleteCalls runs the DELETE FROM calls statement q, then deletes the
// finished deliveries and the attempts of the calls it deleted.
func (j *Journal) deleteCalls(ctx context.Context, q string, args ...any) (int64, error) {
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("prune journal: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("prune calls: %w", err)
	}
	n, _ := res.RowsAffected()
	if _, err := tx.ExecContext(ctx, `
DELETE FROM deliveries
WHERE state <> 'pending' AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.id = deliveries.call_id)`); err != nil {
		return 0, fmt.Errorf("prune deliveries: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `
DELETE FROM attempts
WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.webhook_id = attempts.delivery_id)`); err != nil {
		return 0, fmt.Errorf("prune attempts: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("prune journal: %w", err)
	}
	return n, nil
}

// pruneSize deletes the oldest finished calls, a tenth of them at a time,
// until the journal's rows take less than maxSize. Pages freed this way
// are reused by later writes; only when the file has grown well past the
// limit (a burst, a lowered limit) is it rewritten to give them back.
func (j *Journal) pruneSize(ctx context.Context) error {
	if j.maxSize <= 0 {
		return nil
	}
	for {
		used, file, err := j.size(ctx)
		if err != nil {
			return err
		}
		if used <= j.maxSize {
			if file > j.maxSize+j.maxSize/4 {
				return j.compact(ctx)
			}
			return nil
		}
		var calls int64
		if err := j.db.QueryRowContext(ctx, `SELECT count(*) FROM calls`).Scan(&calls); err != nil {
			return fmt.Errorf("prune journal to size: %w", err)
		}
		n, err := j.deleteCalls(ctx, `
DELETE FROM calls WHERE id IN (
	SELECT id FROM calls
	WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.call_id = calls.id AND d.state = 'pending')
	ORDER BY start_ms, updated_ms LIMIT ?)`, max(1, calls/10))
		if err != nil {
			return err
		}
		if n == 0 {
			// What is left is pending deliveries: the outbox keeps them
			// whatever they take.
			return nil
		}
	}
}

// size returns the bytes the journal's rows take (pages in use) and the
// size of the file.
func (j *Journal) size(ctx context.Context) (used, file int64, err error) {
	var pages, free, pageSize int64
	for _, p := range []struct {
		pragma string
		v      *int64
	}{{"page_count", &pages}, {"freelist_count", &free}, {"page_size", &pageSize}} {
		if err := j.db.QueryRowContext(ctx, "PRAGMA "+p.pragma).Scan(p.v); err != nil {
			return 0, 0, fmt.Errorf("read journal size: %w", err)
		}
	}
	return (pages - free) * pageSize, pages * pageSize, nil
}

// compact rewrites the journal without its free pages and truncates the
// write-ahead log.
func (j *Journal) compact(ctx context.Context) error {
	if _, err := j.db.ExecContext(ctx, "VACUUM"); err != nil {
		return fmt.Errorf("compact journal: %w", err)
	}
	if _, err := j.db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return fmt.Errorf("compact journal: %w", err)
	}
	return nil
}

// ms and fromMS store times as Unix milliseconds, zero for the zero time.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v)
}

// callColumns is the column list CallEntry is scanned from.
const callColumns = `id, direction, queue, caller_number, caller_name, callee_number,
	callee_name, start_ms, answer_ms, end_ms, outcome, user_name, updated_ms`

func scanCall(s interface{ Scan(...any) error }) (CallEntry, error) {
	var e CallEntry
	var dir, outcome string
	var start, answer, end, updated int64
	err := s.Scan(&e.Call.ID, &dir, &e.Call.Queue, &e.Call.Caller.Number, &e.Call.Caller.Name,
		&e.Call.Callee.Number, &e.Call.Callee.Name, &start, &answer, &end, &outcome,
		&e.Call.User, &updated)
	e.Call.Direction = call.Direction(dir)
	e.Call.Outcome = call.Outcome(outcome)
	e.Call.Start, e.Call.Answer, e.Call.End = fromMS(start), fromMS(answer), fromMS(end)
	e.Updated = fromMS(updated)
	return e, err
}
