package sensor

import (
	"fmt"

	"github.com/splicewatch/splicewatch/event"
)

type rawPageRace = tracepointSwPageRace

const kindPageRace = uint32(tracepointSwKindSW_KIND_PAGE_RACE)

// raceNames names enum sw_race.
var raceNames = map[uint32]string{
	uint32(tracepointSwRaceSW_RACE_MUNMAP):  "munmap",
	uint32(tracepointSwRaceSW_RACE_MADVISE): "madvise",
	uint32(tracepointSwRaceSW_RACE_MREMAP):  "mremap",
	uint32(tracepointSwRaceSW_RACE_FORK):    "fork",
}

// decodePageRace decodes the synthetic page_race event: vmspliced memory
// unmapped, discarded or moved, or the process forked, while a pipe still
// held the pages.
func decodePageRace(raw []byte, clk monoClock, _ *decodeMem) (*event.Event, error) {
	r, err := castRecord[rawPageRace](raw)
	if err != nil {
		return nil, fmt.Errorf("decode page_race: %w", err)
	}
	kind, ok := raceNames[r.Race]
	if !ok {
		return nil, fmt.Errorf("decode page_race: unknown race kind %d", r.Race)
	}
	ev := newEvent(event.NamePageRace, &r.H, 12, clk)
	a := &ev.Args
	a.Add("kind", kind)
	if r.Race != uint32(tracepointSwRaceSW_RACE_FORK) {
		a.AddUint("addr", r.Addr)
		a.AddUint("len", r.Len)
	}
	if r.Race == uint32(tracepointSwRaceSW_RACE_MADVISE) {
		a.AddUint("advice", uint64(r.Advice))
	}
	a.AddUint("overlap_start", r.OverlapStart)
	a.AddUint("overlap_end", r.OverlapEnd)
	a.AddUint("overlap_len", r.OverlapEnd-r.OverlapStart)
	a.AddUint("since_ns", r.SinceNs)
	a.AddUint("vmsplice_start", r.VsStart)
	a.AddUint("vmsplice_end", r.VsEnd)
	a.AddUint("pipe_bufs", uint64(r.PipeBufs))
	return ev, nil
}
