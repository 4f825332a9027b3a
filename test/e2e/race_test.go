package e2e

import (
	"testing"
	"time"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/test/trigger"
)

func TestPageRace(t *testing.T) {
	p := startPipeline(t, nil)
	tests := []struct {
		race trigger.Race
		want string // page_race kind, "" for none
	}{
		{trigger.RaceMunmap, "munmap"},
		{trigger.RaceMadvise, "madvise"},
		{trigger.RaceFork, "fork"},
		{trigger.RaceNone, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.race), func(t *testing.T) {
			tid := thread(t)
			began := time.Now()
			addr, length, err := trigger.PageRace(tt.race)
			if err != nil {
				t.Fatal(err)
			}
			match := func(ev *event.Event) bool {
				// Mappings are reused across subtests: match on time too.
				start, _ := ev.Args.Uint("vmsplice_start")
				return ev.Name == event.NamePageRace && ev.Process.TID == tid && start == addr && !ev.Time.Before(began)
			}
			if tt.want == "" {
				// The vmsplice itself must arrive; no race may follow it.
				p.waitFor(t, "the vmsplice", func([]*event.Event) bool {
					return p.find(func(ev *event.Event) bool {
						a, _ := ev.Args.Uint("range_start")
						return ev.Name == event.NameVmsplice && ev.Process.TID == tid && a == addr && !ev.Time.Before(began)
					}) != nil
				})
				time.Sleep(300 * time.Millisecond)
				if ev := p.find(match); ev != nil {
					t.Fatalf("benign munmap after reading the pipe raised page_race: %v", ev.Args)
				}
				return
			}
			p.waitFor(t, "page_race "+tt.want, func([]*event.Event) bool { return p.find(match) != nil })
			ev := p.find(match)
			if kind, _ := ev.Args.String("kind"); kind != tt.want {
				t.Errorf("kind %q, want %q", kind, tt.want)
			}
			if end := argUint(t, ev, "vmsplice_end"); end != addr+length {
				t.Errorf("vmsplice_end %#x, want %#x", end, addr+length)
			}
			if n := argUint(t, ev, "overlap_len"); n != length {
				t.Errorf("overlap_len %d, want %d", n, length)
			}
			if argUint(t, ev, "pipe_bufs") == 0 {
				t.Error("pipe_bufs is 0 while the pipe held the pages")
			}
			if since := argUint(t, ev, "since_ns"); since == 0 || since > uint64(10*time.Second) {
				t.Errorf("since_ns %d", since)
			}
		})
	}
}
