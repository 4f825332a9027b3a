package catalog

import (
	"slices"
	"strings"
)

// Tag says where an argument's value comes from, or that it may be absent.
type Tag string

// Argument tags. An argument without K, U or derived is a system call
// argument taken from the registers at entry: the value the kernel uses.
const (
	// TagKernel marks a value read from kernel memory.
	TagKernel Tag = "K"
	// TagUser marks a value read from user memory (or, on a derived
	// argument, computed from values read there).
	TagUser Tag = "U"
	// TagTOCTOU marks user memory the kernel reads again after the sensor
	// did: another thread can change it in between, so the value the
	// sensor saw can differ from the value the kernel used.
	TagTOCTOU Tag = "TOCTOU"
	// TagOptional marks an argument that may be absent from an event.
	TagOptional Tag = "OPT"
	// TagDerived marks a value the sensor computed rather than read.
	TagDerived Tag = "derived"
)

// TagLegend explains each tag, in display order.
var TagLegend = []struct {
	Tag     Tag
	Meaning string
}{
	{TagKernel, "read from kernel memory"},
	{TagUser, "read from user memory at syscall entry (on a derived argument: computed from such values)"},
	{TagTOCTOU, "user memory the kernel reads again after the sensor (on a derived argument: computed from such memory): another thread can change it in between, so the value seen can differ from the value used"},
	{TagOptional, "may be absent from the event"},
	{TagDerived, "computed by the sensor, not a raw value"},
}

// Type is the JSON type and range of an argument's value.
type Type string

// Argument types. Integers are JSON numbers written exactly.
const (
	TypeInt32   Type = "int32"
	TypeInt64   Type = "int64"
	TypeUint32  Type = "uint32"
	TypeUint64  Type = "uint64"
	TypeAddress Type = "address" // a 64-bit address, 0 for NULL
	TypeString  Type = "string"
	TypeBool    Type = "bool"
	TypeStrings Type = "[]string"
	TypeObjects Type = "[]object" // a list of objects with Arg.Fields
	// TypeObject (envelope.go) is one object with Arg.Fields, such as an
	// fd description; objects may nest.
)

// Arg defines one argument of an event.
type Arg struct {
	Name        string `json:"name"`
	Type        Type   `json:"type"`
	Tags        []Tag  `json:"tags,omitempty"`
	Description string `json:"description"`
	// Enum lists the values a string (or each string of a []string) takes.
	Enum []string `json:"enum,omitempty"`
	// Pattern is a regular expression a string not in Enum must match.
	Pattern string `json:"pattern,omitempty"`
	// MaxItems bounds the length of a list; 0 means no bound.
	MaxItems int `json:"max_items,omitempty"`
	// Fields defines the members of an object, or of each object of a
	// []object. The object is closed: no other member is allowed.
	Fields []Arg `json:"fields,omitempty"`
}

// Has reports whether a carries tag t.
func (a *Arg) Has(t Tag) bool { return slices.Contains(a.Tags, t) }

// Hook is where an event is captured in one attach mode.
type Hook struct {
	// Mode is the sensor's attach mode: tracepoint, kprobe or fentry.
	Mode string `json:"mode"`
	// Planned is true for a mode the sensor does not ship yet.
	Planned bool `json:"planned,omitempty"`
	// Points are the attach points, entry first.
	Points []string `json:"points"`
	// Note says what the mode misses or adds, if anything.
	Note string `json:"note,omitempty"`
}

// Attack is an attack or technique an event reveals, and how it shows.
type Attack struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Related is an event related to another, and why.
type Related struct {
	Name string `json:"name"`
	Why  string `json:"why"`
}

// Event defines one event kind.
type Event struct {
	Name    string `json:"name"`
	Summary string `json:"summary"`
	// Syscall is the C prototype of the system call, empty for a synthetic
	// event.
	Syscall string `json:"syscall,omitempty"`
	// Description explains the semantics, in paragraphs separated by blank
	// lines. It may use Markdown inline code.
	Description string    `json:"description"`
	Args        []Arg     `json:"args"`
	Hooks       []Hook    `json:"hooks"`
	Attacks     []Attack  `json:"attacks,omitempty"`
	Benign      string    `json:"benign,omitempty"`
	Related     []Related `json:"related,omitempty"`
	// Pending, when not empty, says why the sensor does not emit the event
	// yet: the definition exists so that rules and producers can be
	// written, and checked, against it.
	Pending string `json:"pending,omitempty"`
}

// Arg returns the definition of the named argument.
func (e *Event) Arg(name string) (*Arg, bool) {
	for i := range e.Args {
		if e.Args[i].Name == name {
			return &e.Args[i], true
		}
	}
	return nil, false
}

// All returns the definitions of every event, sorted by name. The result is
// a fresh copy: callers may modify it.
func All() []Event {
	all := []Event{vmsplice(), splice(), tee(), sendfile(), eventsLost(), pageRace(), eventsThrottled(), processExec(), processExit()}
	slices.SortFunc(all, func(a, b Event) int { return strings.Compare(a.Name, b.Name) })
	return all
}

// Names returns the names of every defined event, sorted.
func Names() []string {
	all := All()
	names := make([]string, len(all))
	for i := range all {
		names[i] = all[i].Name
	}
	return names
}

// Lookup returns the definition of the named event.
func Lookup(name string) (Event, bool) {
	for _, e := range All() {
		if e.Name == name {
			return e, true
		}
	}
	return Event{}, false
}
