package plugin

import (
	"context"
	"errors"
	"os"
	"os/user"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/splicewatch/splicewatch/event"
)

func TestExamplePluginEndToEnd(t *testing.T) {
	dir := pluginDir(t, "example")
	h := load(t, &Config{Dir: dir, Allow: allowAll(t, dir, "example")})
	if len(h.dets) != 1 {
		t.Fatalf("loaded %d detectors, want 1", len(h.dets))
	}
	d := h.dets[0]
	if d.Name() != "plugin:example" || len(d.Rules()) != 1 || d.Rules()[0].ID != "EX-001" {
		t.Fatalf("detector %s rules %+v", d.Name(), d.Rules())
	}
	if ev := d.Events(); len(ev) != 1 || ev[0] != event.NameVmsplice {
		t.Fatalf("events %v", ev)
	}
	gift := &event.Event{
		Name: event.NameVmsplice, Time: time.Unix(1700000000, 5).UTC(), Host: "h",
		Process: event.Process{PID: 7, Comm: "exploit"},
		Args:    args(map[string]any{"fd": int64(4), "flags": int64(8), "nr_segs": int64(1), "iov_addr": uint64(0xffffffffff600000)}),
		Ret:     -14,
	}
	plain := &event.Event{Name: event.NameVmsplice, Process: event.Process{PID: 8}, Args: args(map[string]any{"flags": int64(0)})}
	h.send(plain)
	h.send(gift)
	h.send(plain)
	h.flush(t)
	got := h.found("EX-001")
	if len(got) != 1 {
		t.Fatalf("got %d EX-001 findings, want 1", len(got))
	}
	f := got[0]
	if !reflect.DeepEqual(f.Event, gift) || f.Process.PID != 7 || f.Rule.Severity != event.SeverityLow {
		t.Errorf("finding %+v", f)
	}
	if f.Data["fd"] != int64(4) || f.Data["flags"] != int64(8) || f.Data["comm"] != "exploit" || f.Data["failed"] != true {
		t.Errorf("finding data %v", f.Data)
	}
	if want := event.FindingID("EX-001", gift, f.Data); f.ID != want {
		t.Errorf("finding id %s, want %s", f.ID, want)
	}
	if n := h.counter("events_total"); n != 3 {
		t.Errorf("plugin answered %v events, want 3", n)
	}
}

// TestPluginRunsUnprivileged has the test plugin report its own
// credentials. As root, it must run as plugins.user without capabilities.
func TestPluginRunsUnprivileged(t *testing.T) {
	dir := pluginDir(t, "faulty")
	h := load(t, &Config{Dir: dir, Allow: allowAll(t, dir, "faulty")})
	h.send(testEvent("whoami"))
	h.flush(t)
	got := h.found("TEST-FAULTY")
	if len(got) != 1 {
		t.Fatalf("got %d findings, want 1", len(got))
	}
	uid, _ := got[0].Data["uid"].(int64)
	wantUID := int64(os.Getuid())
	if os.Geteuid() == 0 {
		nobody, err := user.Lookup("nobody")
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.ParseInt(nobody.Uid, 10, 64)
		wantUID = n
		if capEff := got[0].Data["cap_eff"]; capEff != "0000000000000000" {
			t.Errorf("plugin runs with capabilities %v", capEff)
		}
	}
	if uid != wantUID || uid == 0 {
		t.Errorf("plugin runs as uid %d, want %d", uid, wantUID)
	}
}

// TestCloseReachesSignatures checks the graceful stop: queued events are
// answered and the plugin's Close runs before the process ends.
func TestCloseReachesSignatures(t *testing.T) {
	dir := pluginDir(t, "faulty")
	out, err := os.MkdirTemp("", "spw-close-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(out) })
	if err := os.Chmod(out, 0o777); err != nil { // the plugin runs as nobody
		t.Fatal(err)
	}
	marker := filepath.Join(out, "closed")
	h := load(t, &Config{Dir: dir, Allow: allowAll(t, dir, "faulty")})
	ev := testEvent("marker")
	ev.Args.Set("path", marker)
	h.send(ev)
	h.send(testEvent("ok"))
	if err := h.eng.Close(); err != nil {
		t.Fatal(err)
	}
	if len(h.found("TEST-FAULTY")) != 1 {
		t.Error("the event queued before Close was not answered")
	}
	if b, err := os.ReadFile(marker); err != nil || string(b) != "closed" {
		t.Errorf("plugin Close did not run: %q, %v", b, err)
	}
	if err := h.dets[0].(*Detector).Evaluate(context.Background(), testEvent("ok"), func(*event.Finding) {}); !errors.Is(err, ErrClosed) {
		t.Errorf("Evaluate after Close: %v, want ErrClosed", err)
	}
}
