package format

import (
	"fmt"
	"strings"

	"github.com/splicewatch/splicewatch/event"
)

// Summary is a one-line, human-readable description of f, used as the
// message text of syslog and Falcosidekick payloads.
func Summary(f *event.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s (rule=%s severity=%s host=%s comm=%s pid=%d uid=%d",
		f.Rule.Name, f.Rule.Description, f.Rule.ID, f.Rule.Severity, f.Host,
		f.Process.Comm, f.Process.PID, f.Process.UID)
	if f.Event != nil {
		fmt.Fprintf(&b, " event=%s", f.Event.Name)
	}
	if f.Process.ContainerID != "" {
		fmt.Fprintf(&b, " container=%s", f.Process.ContainerID)
	}
	b.WriteString(")")
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' ' // one finding, one line
		}
		return r
	}, b.String())
}

func eventName(f *event.Finding) string {
	if f.Event == nil {
		return ""
	}
	return f.Event.Name
}
