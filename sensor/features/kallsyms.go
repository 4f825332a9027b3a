package features

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// maxVariants bounds how many suffixed names are kept per hook.
const maxVariants = 4

// kallsymsHit is what /proc/kallsyms says about one function name.
type kallsymsHit struct {
	exact    bool
	variants []string
}

// readKallsyms looks up names in the kallsyms file at path.
func readKallsyms(path string, names []string) (map[string]*kallsymsHit, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open kallsyms: %w", err)
	}
	defer f.Close()
	return parseKallsyms(f, names)
}

// parseKallsyms scans kallsyms lines ("address type name [module]") for text
// symbols named exactly like one of names, or like name.suffix. Malformed
// lines are ignored.
func parseKallsyms(r io.Reader, names []string) (map[string]*kallsymsHit, error) {
	hits := make(map[string]*kallsymsHit, len(names))
	for _, n := range names {
		hits[n] = &kallsymsHit{}
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 3 || len(fields[1]) != 1 || !strings.ContainsAny(fields[1], "tT") {
			continue
		}
		sym := fields[2]
		base, _, suffixed := strings.Cut(sym, ".")
		h, ok := hits[base]
		if !ok {
			continue
		}
		if !suffixed {
			h.exact = true
		} else if len(h.variants) < maxVariants {
			h.variants = append(h.variants, sym)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read kallsyms: %w", err)
	}
	return hits, nil
}
