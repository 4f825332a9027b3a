package format

import (
	"strconv"
	"strings"

	"github.com/splicewatch/splicewatch/event"
)

// SDID is the structured-data id of splicewatch's RFC 5424 element. 32473
// is the private enterprise number IANA reserves for documentation.
const SDID = "splicewatch@32473"

// syslogSeverity maps finding severities to RFC 5424 severities.
var syslogSeverity = map[event.Severity]int{
	event.SeverityInfo:     6, // informational
	event.SeverityLow:      5, // notice
	event.SeverityMedium:   4, // warning
	event.SeverityHigh:     3, // error
	event.SeverityCritical: 2, // critical
}

// SyslogHeader holds the RFC 5424 header fields the sender chooses.
type SyslogHeader struct {
	// Facility is the numeric facility (0-23), e.g. 16 for local0.
	Facility int
	// AppName defaults to "splicewatch".
	AppName string
	// ProcID is the sender's process id.
	ProcID int
}

// RFC5424 formats one syslog message for f, without transport framing. The
// structured data carries the rule id, severity and finding id; msg is the
// free-form part (a Summary, or a CEF record).
func RFC5424(f *event.Finding, h SyslogHeader, msg string) []byte {
	app := h.AppName
	if app == "" {
		app = "splicewatch"
	}
	pri := h.Facility*8 + syslogSeverity[f.Rule.Severity]
	var b strings.Builder
	b.Grow(256 + len(msg))
	b.WriteString("<" + strconv.Itoa(pri) + ">1 ")
	b.WriteString(f.Time.UTC().Format("2006-01-02T15:04:05.000000Z07:00") + " ")
	b.WriteString(headerField(f.Host, 255) + " ")
	b.WriteString(headerField(app, 48) + " ")
	b.WriteString(strconv.Itoa(h.ProcID) + " ")
	b.WriteString(headerField(f.Rule.ID, 32) + " ")
	b.WriteString("[" + SDID)
	sdParam(&b, "rule_id", f.Rule.ID)
	sdParam(&b, "severity", f.Rule.Severity.String())
	sdParam(&b, "finding_id", f.ID)
	sdParam(&b, "event", eventName(f))
	b.WriteString("] ")
	b.WriteString(msg)
	return []byte(b.String())
}

// headerField makes s a valid header token: printable US-ASCII without
// spaces, at most n characters, "-" when empty.
func headerField(s string, n int) string {
	out := strings.Map(func(r rune) rune {
		if r <= 32 || r >= 127 {
			return '_'
		}
		return r
	}, s)
	if len(out) > n {
		out = out[:n]
	}
	if out == "" {
		return "-"
	}
	return out
}

// sdParam writes ` name="value"` escaping '"', '\' and ']' (RFC 5424 6.3.3).
func sdParam(b *strings.Builder, name, value string) {
	b.WriteString(" " + name + `="`)
	for _, r := range value {
		switch r {
		case '"', '\\', ']':
			b.WriteByte('\\')
		}
		if r < 0x20 || r == 0x7f {
			r = ' '
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
}
