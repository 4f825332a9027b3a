package sensor

import (
	"os"
	"strconv"
	"sync"
)

// exeCache resolves a process's executable path from /proc and remembers
// it. It is bounded: when full, it starts over.
type exeCache struct {
	mu  sync.Mutex
	max int
	m   map[uint32]string
}

func newExeCache(max int) *exeCache {
	return &exeCache{max: max, m: make(map[uint32]string)}
}

func (c *exeCache) lookup(pid uint32) string {
	c.mu.Lock()
	exe, ok := c.m[pid]
	c.mu.Unlock()
	if ok {
		return exe
	}
	// An exited process has no /proc entry: the path stays empty.
	exe, _ = os.Readlink("/proc/" + strconv.FormatUint(uint64(pid), 10) + "/exe")
	c.mu.Lock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[pid] = exe
	c.mu.Unlock()
	return exe
}
