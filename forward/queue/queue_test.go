package queue

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

func records(from, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = []byte(fmt.Sprintf("r%d", from+i))
	}
	return out
}

func peekAll(t *testing.T, q *Queue) []string {
	t.Helper()
	recs, err := q.Peek(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range recs {
		out = append(out, string(r.Data))
	}
	return out
}

func TestQueueFIFOAndReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q")
	q, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(100, 5)
	if n, d, err := q.Append(records(0, 5), now); n != 5 || d != 0 || err != nil {
		t.Fatalf("Append = %d, %d, %v", n, d, err)
	}
	recs, _ := q.Peek(2)
	if len(recs) != 2 || string(recs[0].Data) != "r0" || !recs[0].Enqueued.Equal(now) {
		t.Fatalf("Peek = %+v", recs)
	}
	if n, err := q.Delete(recs[0].Key, recs[1].Key, recs[1].Key+1000); n != 2 || err != nil {
		t.Fatalf("Delete = %d, %v", n, err)
	}
	if _, err := Open(path, nil); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	q.Close()
	q, err = Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	select {
	case <-q.Ready():
	default:
		t.Error("Ready not signalled for a non-empty queue at Open")
	}
	if got := fmt.Sprint(peekAll(t, q)); got != "[r2 r3 r4]" || q.Len() != 3 {
		t.Fatalf("after reopen: %s (len %d)", got, q.Len())
	}
	q.Append(records(5, 1), now)
	recs, _ = q.Peek(10)
	if recs[len(recs)-1].Key <= recs[len(recs)-2].Key {
		t.Error("keys do not increase across reopen")
	}
}

func TestQueueFull(t *testing.T) {
	tests := []struct {
		name         string
		dropOldest   bool
		first, then  int
		wantAccepted int
		wantDropped  int
		want         string
	}{
		{"block accepts what fits", false, 3, 4, 2, 0, "[r0 r1 r2 r3 r4]"},
		{"block when full accepts none", false, 5, 2, 0, 0, "[r0 r1 r2 r3 r4]"},
		{"drop oldest", true, 4, 3, 3, 2, "[r2 r3 r4 r5 r6]"},
		{"drop oldest, batch over the bound", true, 2, 7, 5, 4, "[r4 r5 r6 r7 r8]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := Open(filepath.Join(t.TempDir(), "q"), &Options{MaxRecords: 5, DropOldest: tt.dropOldest})
			if err != nil {
				t.Fatal(err)
			}
			defer q.Close()
			q.Append(records(0, tt.first), time.Now())
			n, d, err := q.Append(records(tt.first, tt.then), time.Now())
			if err != nil || n != tt.wantAccepted || d != tt.wantDropped {
				t.Fatalf("Append = %d accepted, %d dropped, %v; want %d, %d", n, d, err, tt.wantAccepted, tt.wantDropped)
			}
			if got := fmt.Sprint(peekAll(t, q)); got != tt.want || q.Len() != 5 {
				t.Fatalf("queue = %s (len %d), want %s", got, q.Len(), tt.want)
			}
		})
	}
}

func TestQueuePeekAfter(t *testing.T) {
	q, err := Open(filepath.Join(t.TempDir(), "q"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	q.Append(records(0, 5), time.Now())
	all, _ := q.Peek(10)
	tests := []struct {
		after uint64
		n     int
		want  string
	}{
		{0, 10, "[r0 r1 r2 r3 r4]"},
		{all[1].Key, 10, "[r2 r3 r4]"},
		{all[1].Key, 2, "[r2 r3]"},
		{all[4].Key, 10, "[]"},
	}
	for _, tt := range tests {
		recs, err := q.PeekAfter(tt.after, tt.n)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range recs {
			got = append(got, string(r.Data))
		}
		if fmt.Sprint(got) != tt.want {
			t.Errorf("PeekAfter(%d, %d) = %v, want %s", tt.after, tt.n, got, tt.want)
		}
	}
}
