package replay

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReaderReportsBadLinesAndGoesOn(t *testing.T) {
	input := strings.Join([]string{
		`{"name":"vmsplice","time":"2026-11-26T12:00:00Z","process":{"pid":1,"tid":1,"ppid":0,"uid":0,"gid":0,"comm":"a"},"args":{"kernel_first_base":18446744073699065856},"ret":-14}`,
		`{"name":`,
		``,
		`{"time":"2026-11-26T12:00:00Z"}`,
		`{"name":"splice","args":{}} trailing`,
		`{"name":"` + strings.Repeat("x", MaxLineSize) + `"}`,
		`{"name":"tee","args":{"len":5}}`,
	}, "\n")
	r := NewReader(strings.NewReader(input), FormatSplicewatch)
	var names []string
	var bad []int
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var le *LineError
		if errors.As(err, &le) {
			bad = append(bad, le.Line)
			if !strings.HasPrefix(le.Error(), "line ") {
				t.Errorf("error %q does not name the line", le)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, ev.Name)
		if ev.Name == "vmsplice" {
			if v, _ := ev.Args.Uint("kernel_first_base"); v != 0xffffffffff600000 {
				t.Errorf("kernel_first_base = %#x", v)
			}
		}
	}
	if strings.Join(names, ",") != "vmsplice,tee" {
		t.Errorf("events %v", names)
	}
	if want := []int{2, 4, 5, 6}; len(bad) != len(want) || bad[0] != 2 || bad[1] != 4 || bad[2] != 5 || bad[3] != 6 {
		t.Errorf("rejected lines %v, want %v", bad, want)
	}
	if r.BytesRead() != int64(len(input)) {
		t.Errorf("BytesRead = %d, want %d", r.BytesRead(), len(input))
	}
}

func TestDecodeTracee(t *testing.T) {
	line := `{"timestamp":1795694400123456789,"processId":42,"threadId":43,"parentProcessId":1,"userId":1000,` +
		`"processName":"x","hostName":"h","container":{"id":"c1"},"executable":{"path":"/bin/x"},"eventName":"vmsplice",` +
		`"returnValue":-14,"args":[{"name":"fd","type":"int","value":4},{"name":"iov","type":"u64","value":18446744073699065856},` +
		`{"name":"flags","type":"[]string","value":["SPLICE_F_GIFT"]}]}`
	ev, err := DecodeTracee([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Name != "vmsplice" || ev.Ret != -14 || ev.Process.PID != 42 || ev.Process.TID != 43 ||
		ev.Process.Comm != "x" || ev.Process.ContainerID != "c1" || ev.Process.Exe != "/bin/x" ||
		ev.Host != "h" || ev.Time.UnixNano() != 1795694400123456789 {
		t.Fatalf("event %+v", ev)
	}
	if v, _ := ev.Args.Uint("iov"); v != 0xffffffffff600000 {
		t.Errorf("iov = %#x", v)
	}
	if v, _ := ev.Args.Int("fd"); v != 4 {
		t.Errorf("fd = %d", v)
	}
	for _, bad := range []string{`{}`, `{"eventName":"x","args":[{"value":1}]}`, `{"eventName":1}`, `[]`} {
		if _, err := DecodeTracee([]byte(bad)); err == nil {
			t.Errorf("DecodeTracee(%s) succeeded", bad)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, ok := range []string{"splicewatch", "tracee"} {
		if _, err := ParseFormat(ok); err != nil {
			t.Errorf("ParseFormat(%s): %v", ok, err)
		}
	}
	if _, err := ParseFormat("falco"); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("ParseFormat(falco) = %v", err)
	}
}
