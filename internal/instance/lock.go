// Package instance keeps one Callhook per data directory: `callhook run`
// and the desktop app each hold an exclusive lock on <data>/callhook.lock
// while they run, and the file names the holder's pid for the one that is
// turned away. The lock is the operating system's (flock, LockFileEx), so
// it goes with the process however that ends; the file stays.
package instance

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// FileName is the lock file in the data directory.
const FileName = "callhook.lock"

// errLocked is what tryLock returns when another holds the lock.
var errLocked = errors.New("locked")

// HeldError says that another process holds the data directory.
type HeldError struct {
	Dir string
	// PID is the holder's process id; 0 when it did not say in time.
	PID int
}

func (e *HeldError) Error() string {
	if e.PID == 0 {
		return fmt.Sprintf("data directory %s is in use by another callhook", e.Dir)
	}
	return fmt.Sprintf("data directory %s is in use by another callhook (pid %d)", e.Dir, e.PID)
}

// Lock is a held data directory.
type Lock struct {
	f *os.File
}

// pidWait bounds how long Acquire waits for a holder that has just taken
// the lock to write its pid.
const pidWait = time.Second

// Acquire takes dir for this process, creating dir if need be. When
// another process holds it, the error is a *HeldError naming its pid.
func Acquire(dir string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	switch err := tryLock(f); {
	case errors.Is(err, errLocked):
		f.Close()
		return nil, &HeldError{Dir: dir, PID: readPID(path)}
	case err != nil:
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	// The pid is for the one turned away, read while the lock is held: it
	// is written in place, never by replacing the file, whose lock it is.
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("write pid to %s: %w", path, err)
	}
	return &Lock{f: f}, nil
}

// Release gives the data directory up.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing releases the lock
	l.f = nil
	return err
}

// readPID reads the holder's pid, waiting briefly for a holder that took
// the lock an instant ago and has not written it yet.
func readPID(path string) int {
	deadline := time.Now().Add(pidWait)
	for {
		b, err := os.ReadFile(path)
		if err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
				return pid
			}
		}
		if time.Now().After(deadline) {
			return 0
		}
		time.Sleep(20 * time.Millisecond)
	}
}
