// Package queue is a durable, bounded FIFO of opaque records on disk, backed
// by a bbolt file.
//
// A record is written by Append and survives a crash once Append returns:
// each call is one transaction and one fsync, so callers batch records to
// amortise the fsync. A record leaves the queue only through Delete (the
// consumer acknowledges it) or, under the drop-oldest policy, when Append
// needs room. Peek never removes anything, so a consumer killed between Peek
// and Delete sees the same records again on the next start: delivery is at
// least once.
//
// One Queue owns its file; a second Open of the same path waits for the
// lock and fails with ErrLocked.
package queue
