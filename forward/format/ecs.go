package format

import (
	"encoding/json"
	"time"

	"github.com/splicewatch/splicewatch/event"
)

// ecsSeverity is event.severity: the severity on a 0-100 scale.
var ecsSeverity = map[event.Severity]int{
	event.SeverityInfo: 21, event.SeverityLow: 47, event.SeverityMedium: 73,
	event.SeverityHigh: 99, event.SeverityCritical: 100,
}

// ECS encodes f as an Elastic Common Schema document with event.kind
// "alert" and the rule, process, host, user and container field sets.
// splicewatch-specific values sit under "splicewatch".
func ECS(f *event.Finding) ([]byte, error) {
	doc := map[string]any{
		"@timestamp": f.Time.UTC().Format(time.RFC3339Nano),
		"message":    Summary(f),
		"ecs":        map[string]any{"version": "8.11.0"},
		"event": map[string]any{
			"kind":     "alert",
			"category": []string{"intrusion_detection", "process"},
			"type":     []string{"info"},
			"id":       f.ID,
			"action":   eventName(f),
			"severity": ecsSeverity[f.Rule.Severity],
			"provider": "splicewatch",
		},
		"rule": map[string]any{
			"id": f.Rule.ID, "name": f.Rule.Name, "description": f.Rule.Description,
			"version": f.Rule.Version, "ruleset": "splicewatch",
		},
		"process": map[string]any{
			"pid": f.Process.PID, "name": f.Process.Comm, "executable": f.Process.Exe,
			"parent": map[string]any{"pid": f.Process.PPID},
			"thread": map[string]any{"id": f.Process.TID},
		},
		"user": map[string]any{"id": f.Process.UID},
		"host": map[string]any{"hostname": f.Host, "name": f.Host},
		"tags": f.Rule.Tags,
		"splicewatch": map[string]any{
			"severity": f.Rule.Severity.String(),
			"data":     f.Data,
			"event":    f.Event,
		},
	}
	if f.Process.ContainerID != "" {
		doc["container"] = map[string]any{"id": f.Process.ContainerID}
	}
	if len(f.Rule.MITRE) > 0 {
		doc["threat"] = map[string]any{
			"framework": "MITRE ATT&CK",
			"technique": map[string]any{"id": f.Rule.MITRE},
		}
	}
	return json.Marshal(doc)
}
