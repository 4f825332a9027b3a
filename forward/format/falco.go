package format

import (
	"encoding/json"
	"time"

	"github.com/splicewatch/splicewatch/event"
)

// falcoPriority maps severities to Falco's priority names.
var falcoPriority = map[event.Severity]string{
	event.SeverityInfo:     "Informational",
	event.SeverityLow:      "Notice",
	event.SeverityMedium:   "Warning",
	event.SeverityHigh:     "Error",
	event.SeverityCritical: "Critical",
}

// FalcoPayload is the JSON body Falcosidekick accepts from Falco, so tools
// built for Falco alerts can take splicewatch findings unchanged.
type FalcoPayload struct {
	Output       string         `json:"output"`
	Priority     string         `json:"priority"`
	Rule         string         `json:"rule"`
	Time         time.Time      `json:"time"`
	OutputFields map[string]any `json:"output_fields"`
	Source       string         `json:"source"`
	Tags         []string       `json:"tags"`
	Hostname     string         `json:"hostname"`
}

// Falcosidekick encodes f as a Falcosidekick payload.
func Falcosidekick(f *event.Finding) ([]byte, error) {
	p := FalcoPayload{
		Output:   f.Time.UTC().Format(time.RFC3339Nano) + ": " + falcoPriority[f.Rule.Severity] + " " + Summary(f),
		Priority: falcoPriority[f.Rule.Severity],
		Rule:     f.Rule.Name,
		Time:     f.Time.UTC(),
		Source:   "splicewatch",
		Tags:     append(append([]string{}, f.Rule.Tags...), f.Rule.MITRE...),
		Hostname: f.Host,
		OutputFields: map[string]any{
			"evt.type":               eventName(f),
			"proc.name":              f.Process.Comm,
			"proc.exepath":           f.Process.Exe,
			"proc.pid":               f.Process.PID,
			"proc.ppid":              f.Process.PPID,
			"user.uid":               f.Process.UID,
			"container.id":           f.Process.ContainerID,
			"splicewatch.rule_id":    f.Rule.ID,
			"splicewatch.finding_id": f.ID,
		},
	}
	for k, v := range f.Data {
		p.OutputFields["splicewatch.data."+k] = v
	}
	return json.Marshal(p)
}
