package rules_test

import (
	"context"
	"slices"
	"testing"

	"github.com/splicewatch/splicewatch/engine/rego"
	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/rules"
)

// Events in the sensor's JSON form go through the loaded pack (guards,
// batch queries, the Go value conversion) and raise the rules expected:
// the Rego tests check each rule alone, this checks the pack as it runs.
func TestPackEvents(t *testing.T) {
	d, err := rego.Load(context.Background(), &rego.Options{Sources: []rego.Source{{Name: "embedded", FS: rules.FS()}}})
	if err != nil {
		t.Fatal(err)
	}
	proc := `"process":{"pid":10,"tid":10,"ppid":1,"uid":65534,"gid":65534,"comm":"t","exe":"/usr/bin/t"}`
	tests := []struct {
		name string
		ev   string
		want []string
	}{
		{"vdso page", `{"name":"vmsplice",` + proc + `,"args":{"fd":4,"nr_segs":1,"flags":0,"flag_names":[],
			"iov":[{"base":140737353949184,"len":4096}],"user_limit":140737488351232,"kernel_segs":0,"kernel_first":-1,
			"vdso_segs":1,"vdso_first":0,"vdso_first_base":140737353949184,"vdso_start":140737353916416,"vdso_end":140737353957376,
			"iov_changed":false,"iov_changed_first":-1,"overlong_segs":0,"overlong_first":-1},"ret":4096}`,
			[]string{"SPW-003"}},
		{"vsyscall page alone", `{"name":"vmsplice",` + proc + `,"args":{"fd":4,"nr_segs":1,"flags":0,"flag_names":[],
			"iov":[{"base":18446744073699065856,"len":4096}],"user_limit":140737488351232,"kernel_segs":1,"kernel_first":0,
			"kernel_first_base":18446744073699065856,"vdso_segs":1,"vdso_first":0,"vdso_first_base":18446744073699065856,
			"iov_changed":false,"iov_changed_first":-1,"overlong_segs":0,"overlong_first":-1},"ret":-14}`,
			nil}, // SPW-001's, a Go signature
		{"iovec rewritten", `{"name":"vmsplice",` + proc + `,"args":{"fd":4,"iov_addr":824634474496,"nr_segs":1,"flags":0,"flag_names":[],
			"iov":[{"base":824634507264,"len":4096}],"user_limit":140737488351232,"kernel_segs":0,"kernel_first":-1,
			"vdso_segs":0,"vdso_first":-1,"iov_changed":true,"iov_changed_first":0,"overlong_segs":0,"overlong_first":-1},"ret":4096}`,
			[]string{"SPW-007"}},
		{"ordinary vmsplice", `{"name":"vmsplice",` + proc + `,"args":{"fd":4,"nr_segs":1,"flags":0,"flag_names":[],
			"iov":[{"base":824634507264,"len":4096}],"user_limit":140737488351232,"kernel_segs":0,"kernel_first":-1,
			"vdso_segs":0,"vdso_first":-1,"iov_changed":false,"iov_changed_first":-1,"overlong_segs":0,"overlong_first":-1},"ret":4096}`,
			nil},
		{"dirty pipe, vulnerable kernel", dirtyPipe(proc, true, true), []string{"SPW-004", "SPW-005"}},
		{"dirty pipe, patched kernel", dirtyPipe(proc, false, true), []string{"SPW-005"}},
		{"file into a pipe", dirtyPipe(proc, false, false), nil},
		{"fork race", `{"name":"page_race",` + proc + `,"args":{"kind":"fork","overlap_start":139637976440832,
			"overlap_end":139637976449024,"overlap_len":8192,"since_ns":52000,"vmsplice_start":139637976440832,
			"vmsplice_end":139637976449024,"pipe_bufs":2},"ret":0}`,
			[]string{"SPW-006"}},
		{"sendfile of /etc/shadow", sendfile(proc, "/etc/shadow"), []string{"SPW-008"}},
		{"sendfile of a web page", sendfile(proc, "/var/www/index.html"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := event.DecodeEvent([]byte(tt.ev))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			err = d.Evaluate(context.Background(), ev, func(f *event.Finding) { got = append(got, f.Rule.ID) })
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings %v, want %v", got, tt.want)
			}
		})
	}
}

func dirtyPipe(proc string, merge, shape bool) string {
	b := func(v bool) string {
		if v {
			return "true"
		}
		return "false"
	}
	return `{"name":"splice",` + proc + `,"args":{"fd_in":3,"fd_in_info":{"type":"file","ino":12,"uid":0,"perm":"0644",
		"access":"r","can_write":false,"size":10000,"path":"/etc/passwd"},"off_in":140737000000000,"off_in_value":1,
		"fd_out":5,"fd_out_info":{"type":"pipe","pipe":{"end":"write","head":17,"tail":16,"ring_size":16,"wrapped":true,
		"buf_flags":16,"buf_flag_names":["CAN_MERGE"]}},"off_out":0,"len":1,"flags":0,"flag_names":[],
		"dirty_pipe_merge":` + b(merge) + `,"dirty_pipe_shape":` + b(shape) + `},"ret":1}`
}

func sendfile(proc, path string) string {
	return `{"name":"sendfile",` + proc + `,"args":{"out_fd":5,"out_fd_info":{"type":"socket","ino":99},"in_fd":3,
		"in_fd_info":{"type":"file","ino":1234,"uid":0,"perm":"0640","path":"` + path + `"},"offset":0,"offset_value":0,
		"count":4096},"ret":631}`
}
