package protocol

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/splicewatch/splicewatch/event"
)

func TestEventRoundTrip(t *testing.T) {
	ev := benchEvent()
	ev.Args.Set("kernel_first_base", uint64(0xffffffffff600000))
	ev.Args.Set("off_in_value", int64(-1))
	ev.Args.Set("ratio", 0.5)
	ev.Args.Set("nothing", nil)
	ev.Args.Set("fd_in_info", map[string]any{"type": "pipe", "inode": uint64(1) << 63, "ends": []any{"read", "write"}})
	ev.Args.Set("flag_names", []any{"SPLICE_F_GIFT"})
	ev.Args.Set("empty", []any{})
	ev.DurationNS = 1234
	ev.Time = time.Unix(1700000000, 123456789).UTC()
	m, err := FromEvent(ev)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back Event
	if err := proto.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	got, err := ToEvent(&back)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, ev) {
		t.Errorf("round trip changed the event:\n got %#v\nwant %#v", got, ev)
	}
	if v, _ := got.Args.Uint("kernel_first_base"); v != 0xffffffffff600000 {
		t.Errorf("kernel address became %#x", v)
	}
}

// TestArgsAreProtobuf checks AppendData and DecodeData against the
// generated code, in both directions.
func TestArgsAreProtobuf(t *testing.T) {
	in := map[string]any{"a": int64(-3), "b": uint64(1) << 63, "c": "x", "d": []any{true, 1.5}, "e": map[string]any{"f": nil}}
	raw, err := AppendData(nil, in)
	if err != nil {
		t.Fatal(err)
	}
	var msg Args
	if err := proto.Unmarshal(raw, &msg); err != nil {
		t.Fatalf("generated code cannot read AppendArgs: %v", err)
	}
	if len(msg.Values) != len(in) {
		t.Fatalf("generated code sees %d values, want %d", len(msg.Values), len(in))
	}
	again, err := proto.Marshal(&msg)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeData(again)
	if err != nil {
		t.Fatalf("DecodeData cannot read the generated encoding: %v", err)
	}
	if !reflect.DeepEqual(got, in) {
		t.Errorf("got %#v, want %#v", got, in)
	}
}

func TestDecodeArgsRejectsMalformed(t *testing.T) {
	deep := &Value{Kind: Kind_KIND_LIST}
	for range MaxDepth + 2 {
		deep = &Value{Kind: Kind_KIND_LIST, Items: []*Value{deep}}
	}
	mustMarshal := func(m proto.Message) []byte {
		b, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name string
		raw  []byte
	}{
		{"value without a kind", mustMarshal(&Args{Values: []*Value{{Name: "x", Int: 3}}})},
		{"unknown kind", mustMarshal(&Args{Values: []*Value{{Name: "x", Kind: 99}}})},
		{"nested too deep", mustMarshal(&Args{Values: []*Value{deep}})},
		{"truncated", mustMarshal(&Args{Values: []*Value{{Name: "xyz", Kind: Kind_KIND_STRING, String_: "long"}}})[:5]},
		{"not protobuf", []byte{0xff, 0xff, 0xff}},
		{"bad length", protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.BytesType), 1000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := DecodeArgs(tt.raw); !errors.Is(err, ErrMalformed) {
				t.Errorf("DecodeArgs: %v, want ErrMalformed", err)
			}
			if _, err := DecodeData(tt.raw); !errors.Is(err, ErrMalformed) {
				t.Errorf("DecodeData: %v, want ErrMalformed", err)
			}
		})
	}
}

func TestAppendArgsRejectsUnsupported(t *testing.T) {
	deep := []any{}
	for range MaxDepth + 2 {
		deep = []any{deep}
	}
	for _, v := range []any{struct{}{}, make(chan int), deep, map[string]any{"x": []int{1}}} {
		if _, err := AppendData(nil, map[string]any{"v": v}); !errors.Is(err, ErrMalformed) {
			t.Errorf("AppendData(%T): %v, want ErrMalformed", v, err)
		}
		if _, err := AppendArgs(nil, event.Args{{Name: "v", Value: v}}); !errors.Is(err, ErrMalformed) {
			t.Errorf("AppendArgs(%T): %v, want ErrMalformed", v, err)
		}
	}
	// Go integer types and []string are accepted and normalised.
	raw, err := AppendData(nil, map[string]any{"i": 7, "u": uint32(8), "s": []string{"a"}, "a": args(map[string]any{"x": int16(-1)})})
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeData(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"i": int64(7), "u": int64(8), "s": []any{"a"}, "a": map[string]any{"x": int64(-1)}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
}

func FuzzDecodeArgs(f *testing.F) {
	seed, _ := AppendArgs(nil, benchEvent().Args)
	f.Add(seed)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeArgs(b)
		if err != nil {
			return
		}
		if _, err := AppendArgs(nil, m); err != nil {
			t.Fatalf("decoded args do not encode again: %v", err)
		}
	})
}
