package sensor

import (
	"math"
	"unsafe"

	"github.com/splicewatch/splicewatch/event"
)

// The sensor builds an event for every captured call, up to millions a
// second. Putting an integer, string or slice into an interface (an
// argument's Value) allocates a copy of it, unless it is a constant or a
// small integer; an event has a few dozen such values. Instead, the
// decoders keep those values in the event's own buffer (decodeMem) and make
// interfaces that point there. Such a value is written before the event is
// lent to the handler and not changed until the handler has returned and
// the next record is decoded: an interface's value must look immutable to
// whoever holds it.

// eface is the memory layout of an interface value of type any.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// withData returns v, of a type Go boxes behind a pointer, with its value
// read from p instead: p must point to a value of v's dynamic type.
func withData(v any, p unsafe.Pointer) any {
	(*eface)(unsafe.Pointer(&v)).data = p
	return v
}

// The pointed-to value must not change once boxed.
func boxInt64At(p *int64) any     { return withData(int64(0), unsafe.Pointer(p)) }
func boxStringAt(p *string) any   { return withData("", unsafe.Pointer(p)) }
func boxArgsAt(p *event.Args) any { return withData(event.Args(nil), unsafe.Pointer(p)) }
func boxListAt(p *[]any) any      { return withData([]any(nil), unsafe.Pointer(p)) }
func boxedIntOrMinusOne(v int64) any { // -1 is the common "none" index
	if v == -1 {
		return int64(-1)
	}
	return v
}

// intSlots is how many integers an event keeps in its own buffer, enough
// for the largest vmsplice event; more would be boxed the ordinary way.
const intSlots = 80

// ints holds an event's boxed integers.
type ints struct {
	v [intSlots]int64
	n int
}

// int boxes v as event.Args does for AddInt: int64.
func (b *ints) int(v int64) any {
	if uint64(v) < 256 || v == -1 || b.n == len(b.v) {
		// Small integers are boxed without allocating.
		return boxedIntOrMinusOne(v)
	}
	p := &b.v[b.n]
	b.n++
	*p = v
	return boxInt64At(p)
}

// uint boxes v as event.Args does for AddUint: int64 when it fits, uint64
// otherwise.
func (b *ints) uint(v uint64) any {
	if v > math.MaxInt64 {
		return v
	}
	return b.int(int64(v))
}

// args appends to an event's preallocated arguments, boxing integers into
// the event's buffer. The values it appends are already in the form
// event.Normalize gives.
type args struct {
	a *event.Args
	b *ints
}

func (w args) put(name string, v any)         { *w.a = append(*w.a, event.Arg{Name: name, Value: v}) }
func (w args) int(name string, v int64)       { w.put(name, w.b.int(v)) }
func (w args) uint(name string, v uint64)     { w.put(name, w.b.uint(v)) }
func (w args) bool(name string, v bool)       { w.put(name, v) }
func (w args) str(name string, p *string)     { w.put(name, boxStringAt(p)) }
func (w args) obj(name string, p *event.Args) { w.put(name, boxArgsAt(p)) }
