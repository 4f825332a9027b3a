package forward

import (
	"path"

	"github.com/splicewatch/splicewatch/event"
)

// filter selects the findings an output receives.
type filter struct {
	minSeverity event.Severity
	rules       []string
}

func newFilter(o *OutputConfig) filter {
	f := filter{rules: o.Rules}
	if o.MinSeverity != "" {
		f.minSeverity, _ = event.ParseSeverity(o.MinSeverity) // validated
	}
	return f
}

func (f filter) match(fd *event.Finding) bool {
	if fd.Rule.Severity < f.minSeverity {
		return false
	}
	if len(f.rules) == 0 {
		return true
	}
	for _, r := range f.rules {
		if ok, _ := path.Match(r, fd.Rule.ID); ok {
			return true
		}
	}
	return false
}
