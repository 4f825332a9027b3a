package sensor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"github.com/splicewatch/splicewatch/event"
)

// Filter configures in-kernel filtering. Events carrying a suspicious fact
// (a kernel-space, overlong or vDSO segment, a rewritten iovec, a Dirty
// Pipe signal, a page race, or a sensitive file) are never dropped.
type Filter struct {
	// ExcludeComms, ExcludeUIDs and ExcludeExes drop the ordinary events
	// of matching processes. Exes are glob patterns (path.Match).
	ExcludeComms []string `yaml:"exclude_comms"`
	ExcludeUIDs  []uint32 `yaml:"exclude_uids"`
	ExcludeExes  []string `yaml:"exclude_exes"`
	// ExcludeCgroups are cgroup v2 paths relative to /sys/fs/cgroup, and
	// ExcludeContainers container ids (or unique prefixes of 12+ hex
	// characters); both drop the ordinary events of processes inside.
	ExcludeCgroups    []string `yaml:"exclude_cgroups"`
	ExcludeContainers []string `yaml:"exclude_containers"`
	// RateLimit caps the ordinary splice, tee and sendfile events of one
	// process per second; the excess is counted and reported in
	// events_throttled summaries. 0 means no limit.
	RateLimit uint32 `yaml:"rate_limit"`
	// SensitivePaths are files (glob patterns) whose transfers are never
	// filtered or throttled.
	SensitivePaths []string `yaml:"sensitive_paths"`
	// SensitiveRefresh is how often SensitivePaths are globbed again: the
	// kernel knows the files by device and inode, which change when a file
	// is replaced (passwd rewrites /etc/shadow) or created. Default 30s;
	// negative: never.
	SensitiveRefresh time.Duration `yaml:"sensitive_refresh"`
}

// defaultSensitiveRefresh is Filter.SensitiveRefresh when unset.
const defaultSensitiveRefresh = 30 * time.Second

// DefaultSensitivePaths are files whose movement by splice, tee or
// sendfile is always reported.
var DefaultSensitivePaths = []string{
	"/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/ssh/ssh_host_*_key",
	"/root/.ssh/id_*", "/home/*/.ssh/id_*", "/proc/kcore", "/proc/kallsyms", "/dev/mem",
}

func (f *Filter) active() bool {
	return f != nil && (len(f.ExcludeComms)+len(f.ExcludeUIDs)+len(f.ExcludeExes)+
		len(f.ExcludeCgroups)+len(f.ExcludeContainers) > 0 || f.RateLimit > 0)
}

// Validate checks the patterns and ids.
func (f *Filter) Validate() error {
	if f == nil {
		return nil
	}
	for _, p := range append(append([]string{}, f.ExcludeExes...), f.SensitivePaths...) {
		if _, err := path.Match(p, ""); err != nil {
			return fmt.Errorf("filter pattern %q: %w", p, err)
		}
	}
	for _, c := range f.ExcludeComms {
		if len(c) > 15 {
			return fmt.Errorf("filter comm %q: longer than the kernel's 15 characters", c)
		}
	}
	for _, id := range f.ExcludeContainers {
		if len(id) < 12 {
			return fmt.Errorf("filter container %q: give at least 12 characters of the id", id)
		}
	}
	return nil
}

// filterState applies a Filter to the loaded maps and keeps the parts that
// user space resolves (executables, containers) up to date.
type filterState struct {
	cfg      *Filter
	exclPid  *ebpf.Map
	exclCg   *ebpf.Map
	rates    *ebpf.Map
	config   *ebpf.Map                    // sw_config: [0] is the configuration generation
	sens     *ebpf.Map                    // sw_sensitive
	known    map[tracepointSwFileKey]bool // what sens holds
	mu       sync.Mutex
	gen      uint32            // the generation last written to config
	reported map[uint32]uint64 // throttled totals already reported, by tgid
}

func kernelDev(dev uint64) uint32 {
	return unix.Major(dev)<<20 | unix.Minor(dev)
}

// setupFilter fills the filter maps of coll from cfg.
func setupFilter(cfg *Filter, coll *ebpf.Collection) (*filterState, error) {
	st := &filterState{cfg: cfg, exclPid: coll.Maps["sw_excl_pid"], exclCg: coll.Maps["sw_excl_cgroup"],
		rates: coll.Maps["sw_rates"], config: coll.Maps["sw_config"], sens: coll.Maps["sw_sensitive"],
		known: map[tracepointSwFileKey]bool{}, reported: map[uint32]uint64{}}
	one := uint8(1)
	for _, c := range cfg.ExcludeComms {
		var key tracepointSwCommKey
		for i := 0; i < len(c) && i < 15; i++ {
			key.Comm[i] = int8(c[i])
		}
		if err := coll.Maps["sw_excl_comm"].Put(key, one); err != nil {
			return nil, fmt.Errorf("exclude comm %q: %w", c, err)
		}
	}
	for _, uid := range cfg.ExcludeUIDs {
		if err := coll.Maps["sw_excl_uid"].Put(uid, one); err != nil {
			return nil, fmt.Errorf("exclude uid %d: %w", uid, err)
		}
	}
	for _, cg := range cfg.ExcludeCgroups {
		var s unix.Stat_t
		p := filepath.Join("/sys/fs/cgroup", filepath.Clean("/"+cg))
		if err := unix.Stat(p, &s); err != nil {
			return nil, fmt.Errorf("exclude cgroup %s: %w", cg, err)
		}
		if err := st.exclCg.Put(s.Ino, one); err != nil {
			return nil, fmt.Errorf("exclude cgroup %s: %w", cg, err)
		}
	}
	if err := st.refreshSensitive(); err != nil {
		return nil, err
	}
	// Processes already running.
	if dirs, err := os.ReadDir("/proc"); err == nil {
		for _, d := range dirs {
			if pid, err := strconv.ParseUint(d.Name(), 10, 32); err == nil {
				exe, _ := os.Readlink("/proc/" + d.Name() + "/exe")
				st.check(uint32(pid), exe, 0)
			}
		}
	}
	if err := st.bump(); err != nil {
		return nil, err
	}
	return st, nil
}

// refreshSensitive globs the sensitive paths and brings the kernel's set
// of sensitive files up to date: files created or replaced since the last
// call are added, files gone are removed.
func (st *filterState) refreshSensitive() error {
	patterns := st.cfg.SensitivePaths
	if patterns == nil {
		patterns = DefaultSensitivePaths
	}
	now := map[tracepointSwFileKey]bool{}
	for _, pat := range patterns {
		matches, _ := filepath.Glob(pat) // Validate checked the pattern
		for _, m := range matches {
			var s unix.Stat_t
			if unix.Stat(m, &s) == nil {
				now[tracepointSwFileKey{Ino: s.Ino, Dev: kernelDev(s.Dev)}] = true
			}
		}
	}
	changed := false
	for key := range now {
		if st.known[key] {
			continue
		}
		if err := st.sens.Put(key, uint8(1)); err != nil {
			return fmt.Errorf("sensitive file (dev %#x, inode %d): %w", key.Dev, key.Ino, err)
		}
		st.known[key] = true
		changed = true
	}
	for key := range st.known {
		if now[key] {
			continue
		}
		if err := st.sens.Delete(key); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
			return fmt.Errorf("forget sensitive file (dev %#x, inode %d): %w", key.Dev, key.Ino, err)
		}
		delete(st.known, key)
		changed = true
	}
	if changed && st.gen != 0 {
		return st.bump()
	}
	return nil
}

// refreshInterval is how often the sensitive paths are globbed again, or
// 0 for never.
func (st *filterState) refreshInterval() time.Duration {
	switch every := st.cfg.SensitiveRefresh; {
	case every == 0:
		return defaultSensitiveRefresh
	case every < 0:
		return 0
	default:
		return every
	}
}

// refreshEvery calls refreshSensitive every interval until ctx ends.
func (st *filterState) refreshEvery(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := st.refreshSensitive(); err != nil {
				log.Warn("refresh sensitive files", "error", err)
			}
		}
	}
}

// bump starts a new configuration generation, which voids the verdicts
// the kernel programs cached per thread. Call it after every change to an
// exclusion or sensitive-file map.
func (st *filterState) bump() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.gen++
	if st.gen == 0 {
		st.gen = 1 // 0 means "no verdict cached"
	}
	if err := st.config.Put(uint32(0), st.gen); err != nil {
		return fmt.Errorf("set filter generation: %w", err)
	}
	return nil
}

// check excludes pid in the kernel when its executable or container
// matches; cgroup is its cgroup id, when known.
func (st *filterState) check(pid uint32, exe string, cgroup uint64) {
	if st == nil {
		return
	}
	for _, pat := range st.cfg.ExcludeExes {
		if ok, _ := path.Match(pat, exe); ok && exe != "" {
			st.exclude(pid, 0)
			return
		}
	}
	if len(st.cfg.ExcludeContainers) == 0 {
		return
	}
	id := containerOf(pid)
	for _, c := range st.cfg.ExcludeContainers {
		if id != "" && strings.HasPrefix(id, c) {
			st.exclude(pid, cgroup)
			return
		}
	}
}

// exclude adds pid, and cgroup when not 0, to the kernel's exclusions.
// The sensor keeps running if a map is full: the process is then watched.
func (st *filterState) exclude(pid uint32, cgroup uint64) {
	if cgroup != 0 {
		_ = st.exclCg.Put(cgroup, uint8(1))
	}
	_ = st.exclPid.Put(pid, uint8(1))
	if st.config != nil {
		_ = st.bump()
	}
}

// forget drops an exited process from the exclusions.
func (st *filterState) forget(pid uint32) {
	if st == nil {
		return
	}
	_ = st.exclPid.Delete(pid)
	st.mu.Lock()
	delete(st.reported, pid)
	st.mu.Unlock()
}

// throttled returns one events_throttled event per process whose
// throttled count grew since the last call.
func (st *filterState) throttled(host string, now time.Time) []*event.Event {
	if st == nil || st.cfg.RateLimit == 0 {
		return nil
	}
	var (
		pid  uint32
		rate tracepointSwRate
		out  []*event.Event
	)
	st.mu.Lock()
	defer st.mu.Unlock()
	it := st.rates.Iterate()
	for it.Next(&pid, &rate) {
		d := rate.Throttled - st.reported[pid]
		if d == 0 {
			continue
		}
		st.reported[pid] = rate.Throttled
		ev := &event.Event{Name: event.NameEventsThrottled, Time: now, Host: host, Process: event.Process{PID: pid}}
		ev.Args.AddUint("pid", uint64(pid))
		ev.Args.AddUint("throttled", d)
		ev.Args.AddUint("limit", uint64(st.cfg.RateLimit))
		ev.Args.AddUint("window_ns", uint64(time.Second))
		out = append(out, ev)
	}
	if err := it.Err(); err != nil && !errors.Is(err, ebpf.ErrIterationAborted) {
		return out
	}
	return out
}
