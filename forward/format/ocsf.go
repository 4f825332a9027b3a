package format

import (
	"encoding/json"

	"github.com/splicewatch/splicewatch/event"
)

// OCSF identifiers of a Detection Finding (category Findings), activity
// Create.
const (
	OCSFClassUID    = 2004
	OCSFTypeUID     = 200401
	OCSFCategoryUID = 2
	OCSFVersion     = "1.3.0"
)

var ocsfSeverity = map[event.Severity]int{
	event.SeverityInfo: 1, event.SeverityLow: 2, event.SeverityMedium: 3,
	event.SeverityHigh: 4, event.SeverityCritical: 5,
}

var ocsfSeverityName = map[event.Severity]string{
	event.SeverityInfo: "Informational", event.SeverityLow: "Low", event.SeverityMedium: "Medium",
	event.SeverityHigh: "High", event.SeverityCritical: "Critical",
}

// OCSF encodes f as an OCSF Detection Finding (class_uid 2004, type_uid
// 200401).
func OCSF(f *event.Finding, productVersion string) ([]byte, error) {
	attacks := make([]map[string]any, 0, len(f.Rule.MITRE))
	for _, t := range f.Rule.MITRE {
		attacks = append(attacks, map[string]any{"technique": map[string]any{"uid": t}})
	}
	doc := map[string]any{
		"class_uid":     OCSFClassUID,
		"class_name":    "Detection Finding",
		"category_uid":  OCSFCategoryUID,
		"category_name": "Findings",
		"activity_id":   1,
		"activity_name": "Create",
		"type_uid":      OCSFTypeUID,
		"type_name":     "Detection Finding: Create",
		"time":          f.Time.UnixMilli(),
		"severity_id":   ocsfSeverity[f.Rule.Severity],
		"severity":      ocsfSeverityName[f.Rule.Severity],
		"status_id":     1,
		"status":        "New",
		"message":       Summary(f),
		"metadata": map[string]any{
			"version": OCSFVersion,
			"uid":     f.ID,
			"product": map[string]any{"name": "splicewatch", "vendor_name": "splicewatch", "version": productVersion},
		},
		"finding_info": map[string]any{
			"uid":   f.ID,
			"title": f.Rule.Name,
			"desc":  f.Rule.Description,
			"types": f.Rule.Tags,
			"analytic": map[string]any{
				"uid": f.Rule.ID, "name": f.Rule.Name, "type_id": 1, "type": "Rule", "version": f.Rule.Version,
			},
			"attacks": attacks,
		},
		"device": map[string]any{"hostname": f.Host, "type_id": 0},
		"actor": map[string]any{"process": map[string]any{
			"pid": f.Process.PID, "name": f.Process.Comm,
			"file":           map[string]any{"path": f.Process.Exe},
			"user":           map[string]any{"uid": f.Process.UID},
			"container":      map[string]any{"uid": f.Process.ContainerID},
			"parent_process": map[string]any{"pid": f.Process.PPID},
		}},
		"unmapped": map[string]any{"data": f.Data, "event": f.Event},
	}
	return json.Marshal(doc)
}
