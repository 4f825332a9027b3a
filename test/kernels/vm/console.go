package vm

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Marker names, as printed by /init.
const (
	MarkBooted = "SPLICEWATCH-BOOTED"
	MarkStart  = "SPLICEWATCH-START"
	MarkResult = "SPLICEWATCH-RESULT"
	MarkDone   = "SPLICEWATCH-DONE"
)

// Marker is one marker line read from the console.
type Marker struct {
	Kind string
	Run  string
	// Exit is the run's exit status (RESULT only).
	Exit int
	// Uptime is the guest's /proc/uptime when the line was printed, or 0.
	Uptime time.Duration
}

// ParseMarker finds a marker carrying token in a console line. It returns
// false for ordinary output, for markers with another token and for markers
// it cannot parse in full.
func ParseMarker(line, token string) (Marker, bool) {
	if token == "" {
		return Marker{}, false
	}
	for _, kind := range []string{MarkBooted, MarkStart, MarkResult, MarkDone} {
		i := strings.Index(line, kind+" "+token)
		if i < 0 {
			continue
		}
		rest := strings.TrimRight(line[i+len(kind)+1+len(token):], "\r\n")
		if rest != "" && rest[0] != ' ' {
			return Marker{}, false // a longer token
		}
		m, err := parseFields(kind, strings.Fields(rest))
		if err != nil {
			return Marker{}, false
		}
		return m, true
	}
	return Marker{}, false
}

// parseFields reads the key=value fields after the token.
func parseFields(kind string, fields []string) (Marker, error) {
	m := Marker{Kind: kind, Exit: -1}
	seen := map[string]bool{}
	for _, f := range fields {
		k, v, ok := strings.Cut(f, "=")
		if !ok || seen[k] {
			return Marker{}, fmt.Errorf("bad field %q", f)
		}
		seen[k] = true
		switch k {
		case "run":
			m.Run = v
		case "exit":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 255 {
				return Marker{}, fmt.Errorf("bad exit status %q", v)
			}
			m.Exit = n
		case "uptime":
			s, err := strconv.ParseFloat(v, 64)
			if err != nil || !(s >= 0 && s <= 1e6) { // also rejects NaN
				return Marker{}, fmt.Errorf("bad uptime %q", v)
			}
			m.Uptime = time.Duration(s * float64(time.Second))
		default:
			return Marker{}, fmt.Errorf("unknown field %q", k)
		}
	}
	switch {
	case (kind == MarkStart || kind == MarkResult) && m.Run == "":
		return Marker{}, fmt.Errorf("%s without run", kind)
	case kind == MarkResult && !seen["exit"]:
		return Marker{}, fmt.Errorf("%s without exit", kind)
	}
	return m, nil
}
