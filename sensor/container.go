package sensor

import (
	"bufio"
	"os"
	"regexp"
	"strconv"
)

// containerID matches the 64-hex-digit id that container runtimes put in
// cgroup paths: /docker/<id>, docker-<id>.scope, cri-containerd-<id>.scope,
// crio-<id>.scope, libpod-<id>.scope, /kubepods/.../<id>.
var containerID = regexp.MustCompile(`[0-9a-f]{64}`)

// containerOf derives a process's container id from its cgroup path, or
// returns "" for a process outside containers (or gone).
func containerOf(pid uint32) string {
	f, err := os.Open("/proc/" + strconv.FormatUint(uint64(pid), 10) + "/cgroup")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if id := containerID.FindString(sc.Text()); id != "" {
			return id
		}
	}
	return ""
}

// containerCache remembers the container id of each cgroup: every process
// of a cgroup is in the same container, and a cgroup outlives the
// short-lived processes whose /proc entry is gone by the time we look.
// Only Run's goroutine uses it, once per event, so it takes no lock.
type containerCache struct {
	max int
	ids map[uint64]string
}

func newContainerCache(max int) *containerCache {
	return &containerCache{max: max, ids: map[uint64]string{}}
}

func (c *containerCache) lookup(cgroup uint64, pid uint32) string {
	if id, ok := c.ids[cgroup]; ok {
		return id
	}
	id := containerOf(pid)
	if len(c.ids) >= c.max {
		clear(c.ids)
	}
	c.ids[cgroup] = id
	return id
}
