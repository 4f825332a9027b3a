package sensor

import (
	"reflect"
	"testing"

	"github.com/splicewatch/splicewatch/event"
)

func TestBoxAt(t *testing.T) {
	var (
		i    = int64(1 << 40)
		s    = "0644"
		a    = event.Args{{Name: "k", Value: int64(1)}}
		l    = []any{"x"}
		ints ints
	)
	tests := []struct {
		name      string
		got, want any
	}{
		{"int64", boxInt64At(&i), any(int64(1 << 40))},
		{"string", boxStringAt(&s), any("0644")},
		{"args", boxArgsAt(&a), any(a)},
		{"list", boxListAt(&l), any(l)},
		{"small int", ints.int(7), any(int64(7))},
		{"minus one", ints.int(-1), any(int64(-1))},
		{"large int", ints.int(-1 << 40), any(int64(-1 << 40))},
		{"uint that fits", ints.uint(1 << 62), any(int64(1 << 62))},
		{"uint above int64", ints.uint(0xffffffffff600000), any(uint64(0xffffffffff600000))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if reflect.TypeOf(tt.got) != reflect.TypeOf(tt.want) || !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %T %#v, want %T %#v", tt.got, tt.got, tt.want, tt.want)
			}
		})
	}
	// Slots run out: values are then boxed the ordinary way.
	for range intSlots + 4 {
		if v := ints.int(1 << 50); v != any(int64(1<<50)) {
			t.Fatalf("got %#v", v)
		}
	}
}

// TestLentEventClone checks that the clone of a lent event keeps its
// values when the sensor decodes the next record into the same memory.
func TestLentEventClone(t *testing.T) {
	clk := monoClock{}
	samples := catalogSamples()
	mem := new(decodeMem)
	for kind, raws := range samples {
		for i, raw := range raws {
			want, err := decodeRecord(raw, clk)
			if err != nil {
				t.Fatal(err)
			}
			lent, err := mem.decode(raw, clk)
			if err != nil {
				t.Fatal(err)
			}
			kept := lent.Clone()
			// Overwrite the memory with every other sample.
			for _, others := range samples {
				for _, other := range others {
					if _, err := mem.decode(other, clk); err != nil {
						t.Fatal(err)
					}
				}
			}
			if got, want := dumpEvent(kept), dumpEvent(want); got != want {
				t.Errorf("kind %d sample %d: clone changed after the memory was reused:\n got %s\nwant %s", kind, i, got, want)
			}
		}
	}
}

// TestDecodeDoesNotAllocate pins the point of decodeMem: the frequent
// kinds decode without allocating.
func TestDecodeDoesNotAllocate(t *testing.T) {
	mem, clk := new(decodeMem), newMonoClock()
	for name, raw := range map[string][]byte{"vmsplice": benchVmsplice(1), "sendfile": benchSendfile(1)} {
		if n := testing.AllocsPerRun(100, func() { _, _ = mem.decode(raw, clk) }); n != 0 {
			t.Errorf("%s: %v allocations per record, want 0", name, n)
		}
	}
}
