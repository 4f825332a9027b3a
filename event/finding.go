package event

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Severity ranks a finding. The zero value is SeverityInfo.
type Severity int

// Severities, lowest first.
const (
	SeverityInfo Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// String returns the lower-case name of s.
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return "severity(" + strconv.Itoa(int(s)) + ")"
	}
	return severityNames[s]
}

// ParseSeverity parses a severity name, case-insensitively.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(n, name) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want one of %s)", name, strings.Join(severityNames[:], ", "))
}

// MarshalText encodes s as its name.
func (s Severity) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(severityNames) {
		return nil, fmt.Errorf("invalid severity %d", int(s))
	}
	return []byte(severityNames[s]), nil
}

// UnmarshalText decodes a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Rule is the metadata every signature declares, copied into its findings.
type Rule struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Severity    Severity `json:"severity"`
	Description string   `json:"description"`
	Tags        []string `json:"tags,omitempty"`
	MITRE       []string `json:"mitre,omitempty"`
	Version     string   `json:"version"`
}

// Finding is what a signature reports when an event (or a sequence of
// events) matches it.
type Finding struct {
	// ID is stable for the same rule, host, process and triggering event, so
	// that a sink or SIEM can de-duplicate retries.
	ID      string    `json:"id"`
	Time    time.Time `json:"time"`
	Host    string    `json:"host"`
	Rule    Rule      `json:"rule"`
	Process Process   `json:"process"`
	// Event is the triggering event, whole.
	Event *Event `json:"event"`
	// Data is the signature's own output.
	Data map[string]any `json:"data,omitempty"`
}

// NewFinding builds a finding for rule triggered by ev, with the given data,
// and computes its stable ID.
func NewFinding(rule Rule, ev *Event, data map[string]any) *Finding {
	f := &Finding{
		Time:    ev.Time,
		Host:    ev.Host,
		Rule:    rule,
		Process: ev.Process,
		Event:   ev,
		Data:    data,
	}
	f.ID = FindingID(rule.ID, ev, data)
	return f
}

// FindingID derives a finding's stable identifier from the rule id, the
// triggering event's identity and the rule's data. Identical inputs always
// give the same id.
func FindingID(ruleID string, ev *Event, data map[string]any) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d\x00%d\x00%d\x00", ruleID, ev.Host, ev.Name,
		ev.Time.UnixNano(), ev.Process.PID, ev.Process.TID)
	if len(data) > 0 {
		// encoding/json sorts map keys, so this is deterministic.
		if b, err := json.Marshal(data); err == nil {
			h.Write(b)
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// DecodeFinding parses a finding from JSON, keeping integers exact.
func DecodeFinding(b []byte) (*Finding, error) {
	var f Finding
	if err := decodeExact(b, &f); err != nil {
		return nil, fmt.Errorf("decode finding: %w", err)
	}
	for k, v := range f.Data {
		f.Data[k] = plain(Normalize(v))
	}
	return &f, nil
}
