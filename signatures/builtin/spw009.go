package builtin

import (
	"container/list"
	"sync"
	"time"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/signatures/sdk"
)

// Failures SPW-009 counts, as negative return values.
const (
	retEBADF  = -9
	retEFAULT = -14
	retEINVAL = -22
)

// ZeroCopyBurstConfig configures SPW-009. The zero value gives the defaults.
type ZeroCopyBurstConfig struct {
	// Threshold is the number of failing calls that makes a burst.
	// Default: 32.
	Threshold int `yaml:"threshold"`
	// Window is the time, in event time, the failures must fall within.
	// Default: 1s.
	Window time.Duration `yaml:"window"`
	// MaxProcesses bounds the processes tracked at once; beyond it the
	// least recently failing one is forgotten. Default: 4096.
	MaxProcesses int `yaml:"max_processes"`
}

// FailedZeroCopyBurst is SPW-009: one process making many vmsplice, splice
// or tee calls that fail with EFAULT, EINVAL or EBADF within a short time.
// Programs rarely fail these calls; exploit code probing for a kernel
// address, or brute-forcing a race, fails them by the hundreds.
//
// It keeps, per process, the times of its latest failures, and forgets a
// process when it exits (event "process_exit"), when its failures are older
// than the window, or when MaxProcesses are tracked and it is the least
// recently failing one. Time is the events' time, never the wall clock, so
// replays give the same findings.
type FailedZeroCopyBurst struct {
	cfg ZeroCopyBurstConfig

	mu    sync.Mutex
	procs map[uint32]*list.Element // of *burst
	lru   list.List                // front: most recent failure
	now   time.Time                // latest event time seen
	sweep time.Time                // next sweep of expired processes
}

// burst is one process's recent failures, in a ring.
type burst struct {
	pid   uint32
	times []int64 // unix nanoseconds
	kinds []uint8 // syscall<<4 | errno, index into the tables below
	next  int     // ring position of the next failure
	n     int     // failures in the ring
}

var (
	burstSyscalls = [...]string{event.NameVmsplice, event.NameSplice, event.NameTee}
	burstErrnos   = [...]string{"EFAULT", "EINVAL", "EBADF"}
)

// NewFailedZeroCopyBurst returns SPW-009. A nil cfg gives the defaults.
func NewFailedZeroCopyBurst(cfg *ZeroCopyBurstConfig) *FailedZeroCopyBurst {
	var c ZeroCopyBurstConfig
	if cfg != nil {
		c = *cfg
	}
	if c.Threshold < 1 {
		c.Threshold = 32
	}
	if c.Window <= 0 {
		c.Window = time.Second
	}
	if c.MaxProcesses < 1 {
		c.MaxProcesses = 4096
	}
	return &FailedZeroCopyBurst{cfg: c, procs: map[uint32]*list.Element{}}
}

// Metadata implements sdk.Signature.
func (*FailedZeroCopyBurst) Metadata() sdk.Metadata {
	return sdk.Metadata{
		ID:       "SPW-009",
		Name:     "burst of failing zero-copy calls",
		Severity: event.SeverityMedium,
		Description: "One process made many vmsplice, splice or tee calls failing with EFAULT, EINVAL " +
			"or EBADF within a short time: probing for kernel addresses or brute-forcing an exploit.",
		Tags:    []string{"vmsplice", "splice", "tee", "exploit", "probing"},
		MITRE:   []string{"T1068"},
		Version: "1.0.0",
	}
}

// Events implements sdk.Signature.
func (*FailedZeroCopyBurst) Events() []string {
	return []string{event.NameVmsplice, event.NameSplice, event.NameTee, event.NameProcessExit}
}

// Tracked returns the number of processes currently tracked.
func (s *FailedZeroCopyBurst) Tracked() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.procs)
}

// OnEvent implements sdk.Signature.
func (s *FailedZeroCopyBurst) OnEvent(ev *event.Event, emit func(map[string]any)) error {
	pid := ev.Process.PID
	if ev.Name == event.NameProcessExit {
		s.mu.Lock()
		s.forget(pid)
		s.mu.Unlock()
		return nil
	}
	kind, ok := failureKind(ev)
	if !ok {
		return nil
	}
	t := ev.Time.UnixNano()
	s.mu.Lock()
	defer s.mu.Unlock()
	if ev.Time.After(s.now) {
		s.now = ev.Time
	}
	if !s.now.Before(s.sweep) {
		s.expire()
	}
	b := s.track(pid)
	b.times[b.next], b.kinds[b.next] = t, kind
	b.next = (b.next + 1) % len(b.times)
	b.n = min(b.n+1, len(b.times))
	if b.n < len(b.times) {
		return nil
	}
	oldest := b.times[b.next] // the ring is full: next is the oldest
	if t-oldest > int64(s.cfg.Window) {
		return nil
	}
	emit(b.summary(oldest, t))
	s.forget(pid) // start counting afresh: one finding per burst
	return nil
}

// failureKind classifies a failing vmsplice, splice or tee call.
func failureKind(ev *event.Event) (uint8, bool) {
	var errno uint8
	switch ev.Ret {
	case retEFAULT:
		errno = 0
	case retEINVAL:
		errno = 1
	case retEBADF:
		errno = 2
	default:
		return 0, false
	}
	for i, name := range burstSyscalls {
		if ev.Name == name {
			return uint8(i)<<4 | errno, true
		}
	}
	return 0, false
}

// track returns pid's burst, creating it (and evicting the least recent
// process if the table is full), and marks it most recent.
func (s *FailedZeroCopyBurst) track(pid uint32) *burst {
	if e, ok := s.procs[pid]; ok {
		s.lru.MoveToFront(e)
		return e.Value.(*burst)
	}
	if len(s.procs) >= s.cfg.MaxProcesses {
		s.forget(s.lru.Back().Value.(*burst).pid)
	}
	b := &burst{pid: pid, times: make([]int64, s.cfg.Threshold), kinds: make([]uint8, s.cfg.Threshold)}
	s.procs[pid] = s.lru.PushFront(b)
	return b
}

func (s *FailedZeroCopyBurst) forget(pid uint32) {
	if e, ok := s.procs[pid]; ok {
		s.lru.Remove(e)
		delete(s.procs, pid)
	}
}

// expire forgets processes whose latest failure is older than the window.
// The list is ordered by recency, so it stops at the first live one.
func (s *FailedZeroCopyBurst) expire() {
	cutoff := s.now.Add(-s.cfg.Window).UnixNano()
	for e := s.lru.Back(); e != nil; e = s.lru.Back() {
		b := e.Value.(*burst)
		if b.latest() >= cutoff {
			break
		}
		s.forget(b.pid)
	}
	s.sweep = s.now.Add(s.cfg.Window)
}

func (b *burst) latest() int64 {
	return b.times[(b.next+len(b.times)-1)%len(b.times)]
}

// summary describes a full ring as finding data.
func (b *burst) summary(first, last int64) map[string]any {
	calls, errnos := map[string]any{}, map[string]any{}
	for _, k := range b.kinds {
		name, errno := burstSyscalls[k>>4], burstErrnos[k&0xf]
		c, _ := calls[name].(int64)
		calls[name] = c + 1
		e, _ := errnos[errno].(int64)
		errnos[errno] = e + 1
	}
	return map[string]any{
		"failures":  int64(len(b.times)),
		"within_ns": last - first,
		"syscalls":  calls,
		"errnos":    errnos,
	}
}

// Close implements sdk.Closer: it forgets every process.
func (s *FailedZeroCopyBurst) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.procs = map[uint32]*list.Element{}
	s.lru.Init()
	return nil
}
