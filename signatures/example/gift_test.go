package example

import (
	"testing"

	"github.com/splicewatch/splicewatch/event"
)

func TestGiftedPages(t *testing.T) {
	tests := []struct {
		name  string
		args  event.Args
		found bool
	}{
		{"gift", args(map[string]any{"flags": int64(0x08), "fd": int64(3), "nr_segs": int64(1)}), true},
		{"gift among other flags", args(map[string]any{"flags": int64(0x0b)}), true},
		{"no gift", args(map[string]any{"flags": int64(0x02)}), false},
		{"no flags argument", event.Args{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []map[string]any
			ev := &event.Event{Name: event.NameVmsplice, Process: event.Process{Comm: "x"}, Args: tt.args}
			if err := (&GiftedPages{}).OnEvent(ev, func(d map[string]any) { got = append(got, d) }); err != nil {
				t.Fatal(err)
			}
			if (len(got) == 1) != tt.found || len(got) > 1 {
				t.Fatalf("findings %v, want found=%v", got, tt.found)
			}
			if want, _ := tt.args.Get("flags"); tt.found && event.Normalize(got[0]["flags"]) != want {
				t.Errorf("data %v", got[0])
			}
		})
	}
}

// args builds event arguments from a map, in name order.
func args(m map[string]any) event.Args { return event.Normalize(m).(event.Args) }
