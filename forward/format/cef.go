package format

import (
	"strconv"
	"strings"

	"github.com/splicewatch/splicewatch/event"
)

// cefSeverity maps finding severities onto CEF's 0-10 scale.
var cefSeverity = map[event.Severity]int{
	event.SeverityInfo:     1,
	event.SeverityLow:      3,
	event.SeverityMedium:   5,
	event.SeverityHigh:     8,
	event.SeverityCritical: 10,
}

// CEF formats f as an ArcSight Common Event Format record:
//
//	CEF:0|splicewatch|splicewatch|version|rule id|rule name|severity|extension
//
// Header fields escape '\' and '|'; extension values escape '\', '=' and
// line breaks, as ArcSight's CEF specification requires.
func CEF(f *event.Finding, productVersion string) string {
	var b strings.Builder
	b.WriteString("CEF:0|splicewatch|splicewatch|")
	for _, h := range []string{productVersion, f.Rule.ID, f.Rule.Name, strconv.Itoa(cefSeverity[f.Rule.Severity])} {
		b.WriteString(cefHeader(h))
		b.WriteByte('|')
	}
	ext := []struct{ k, v string }{
		{"rt", strconv.FormatInt(f.Time.UnixMilli(), 10)},
		{"dvchost", f.Host},
		{"externalId", f.ID},
		{"msg", f.Rule.Description},
		{"sproc", f.Process.Comm},
		{"spid", strconv.FormatUint(uint64(f.Process.PID), 10)},
		{"suid", strconv.FormatUint(uint64(f.Process.UID), 10)},
		{"filePath", f.Process.Exe},
		{"act", eventName(f)},
		{"cat", strings.Join(append(append([]string{}, f.Rule.Tags...), f.Rule.MITRE...), ",")},
		{"cs1Label", "containerId"},
		{"cs1", f.Process.ContainerID},
		{"cs2Label", "severityName"},
		{"cs2", f.Rule.Severity.String()},
	}
	first := true
	for _, e := range ext {
		if e.v == "" {
			continue
		}
		if !first {
			b.WriteByte(' ')
		}
		first = false
		b.WriteString(e.k + "=" + cefValue(e.v))
	}
	return b.String()
}

var (
	cefHeaderEscaper = strings.NewReplacer(`\`, `\\`, `|`, `\|`, "\r", " ", "\n", " ")
	cefValueEscaper  = strings.NewReplacer(`\`, `\\`, `=`, `\=`, "\r\n", `\n`, "\n", `\n`, "\r", `\r`)
)

func cefHeader(s string) string { return cefHeaderEscaper.Replace(s) }
func cefValue(s string) string  { return cefValueEscaper.Replace(s) }
