package queue

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrLocked is returned by Open when another process holds the queue file.
var ErrLocked = errors.New("queue file is locked by another process")

// ErrClosed is returned by operations on a closed queue.
var ErrClosed = errors.New("queue is closed")

var bucketName = []byte("records")

// Options tunes a queue. The zero value (or nil) is an unbounded queue.
type Options struct {
	// MaxRecords bounds the number of records; 0 means unbounded.
	MaxRecords int
	// DropOldest selects the policy when the queue is full: Append removes
	// the oldest records to make room instead of accepting fewer records.
	DropOldest bool
	// NoSync skips fsync. Only for tests that measure something else.
	NoSync bool
}

// Record is one queued item.
type Record struct {
	// Key orders records; it increases with every append, across restarts.
	Key uint64
	// Enqueued is when the record was appended.
	Enqueued time.Time
	// Data is the record's payload, owned by the caller.
	Data []byte
}

// Queue is a durable FIFO. Its methods are safe for concurrent use.
type Queue struct {
	db   *bolt.DB
	opts Options

	mu     sync.Mutex
	n      int
	closed bool
	ready  chan struct{}
	freed  chan struct{}
}

// Open opens or creates the queue file at path.
func Open(path string, opts *Options) (*Queue, error) {
	q := &Queue{ready: make(chan struct{}, 1), freed: make(chan struct{}, 1)}
	if opts != nil {
		q.opts = *opts
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:        2 * time.Second,
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
		NoSync:         q.opts.NoSync,
	})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open queue %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open queue %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketName)
		if err != nil {
			return err
		}
		q.n = b.Stats().KeyN
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open queue %s: %w", path, err)
	}
	q.db = db
	if q.n > 0 {
		q.signal(q.ready)
	}
	return q, nil
}

// Len returns the number of records in the queue.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n
}

// Ready is signalled after an Append adds records (and at Open when the
// queue is not empty). A consumer waits on it when Peek finds nothing.
func (q *Queue) Ready() <-chan struct{} { return q.ready }

// Freed is signalled after records leave the queue. A producer refused for
// lack of room waits on it before retrying.
func (q *Queue) Freed() <-chan struct{} { return q.freed }

func (q *Queue) signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// Append adds records stamped with now, in one transaction. It returns how
// many of data were accepted and how many old records were dropped to make
// room. Without DropOldest, a full queue accepts only what fits; the caller
// waits on Freed and appends the rest later.
func (q *Queue) Append(data [][]byte, now time.Time) (accepted, dropped int, err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return 0, 0, ErrClosed
	}
	incoming := 0 // newest records that alone overflow the queue
	if limit := q.opts.MaxRecords; limit > 0 {
		switch {
		case q.opts.DropOldest && len(data) > limit:
			incoming = len(data) - limit
			data = data[incoming:]
		case !q.opts.DropOldest && q.n+len(data) > limit:
			data = data[:max(0, limit-q.n)]
		}
	}
	accept := len(data)
	if accept == 0 {
		return 0, incoming, nil
	}
	err = q.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketName)
		if limit := q.opts.MaxRecords; limit > 0 && q.n+accept > limit {
			excess := q.n + accept - limit
			c := b.Cursor()
			for k, _ := c.First(); k != nil && dropped < excess; k, _ = c.First() {
				if err := c.Delete(); err != nil {
					return err
				}
				dropped++
			}
		}
		stamp := uint64(now.UnixNano())
		for _, d := range data {
			seq, err := b.NextSequence()
			if err != nil {
				return err
			}
			v := make([]byte, 8+len(d))
			binary.BigEndian.PutUint64(v, stamp)
			copy(v[8:], d)
			if err := b.Put(binary.BigEndian.AppendUint64(nil, seq), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("append to queue: %w", err)
	}
	q.n += accept - dropped
	q.signal(q.ready)
	return accept, dropped + incoming, nil
}

// Peek returns up to n of the oldest records without removing them.
func (q *Queue) Peek(n int) ([]Record, error) { return q.PeekAfter(0, n) }

// PeekAfter returns up to n of the oldest records whose key is greater
// than after, without removing them. A consumer that removes records in
// batches passes the last key it has settled.
func (q *Queue) PeekAfter(after uint64, n int) ([]Record, error) {
	var out []Record
	err := q.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketName).Cursor()
		for k, v := c.Seek(binary.BigEndian.AppendUint64(nil, after+1)); k != nil && len(out) < n; k, v = c.Next() {
			if len(k) != 8 || len(v) < 8 {
				return fmt.Errorf("corrupt record %x", k)
			}
			out = append(out, Record{
				Key:      binary.BigEndian.Uint64(k),
				Enqueued: time.Unix(0, int64(binary.BigEndian.Uint64(v))),
				Data:     append([]byte(nil), v[8:]...),
			})
		}
		return nil
	})
	if errors.Is(err, bolt.ErrDatabaseNotOpen) {
		return nil, ErrClosed
	}
	if err != nil {
		return nil, fmt.Errorf("peek queue: %w", err)
	}
	return out, nil
}

// Delete removes the records with the given keys and reports how many were
// still present (a record may already be gone, dropped to make room).
func (q *Queue) Delete(keys ...uint64) (int, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return 0, ErrClosed
	}
	removed := 0
	err := q.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketName)
		for _, key := range keys {
			k := binary.BigEndian.AppendUint64(nil, key)
			if b.Get(k) == nil {
				continue
			}
			if err := b.Delete(k); err != nil {
				return err
			}
			removed++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("delete from queue: %w", err)
	}
	q.n -= removed
	q.signal(q.freed)
	return removed, nil
}

// Close closes the file. Records stay on disk for the next Open.
func (q *Queue) Close() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return nil
	}
	q.closed = true
	if err := q.db.Close(); err != nil {
		return fmt.Errorf("close queue: %w", err)
	}
	return nil
}
