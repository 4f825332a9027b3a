package forward

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The crash test re-executes the test binary as a delivering child.
const (
	childEnv  = "SPLICEWATCH_FORWARD_CHILD"
	childDir  = "SPLICEWATCH_FORWARD_CHILD_DIR"
	childURL  = "SPLICEWATCH_FORWARD_CHILD_URL"
	childSend = "SPLICEWATCH_FORWARD_CHILD_SEND"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(runChild())
	}
	os.Exit(m.Run())
}

// runChild enqueues SEND findings into a webhook output, prints "queued"
// once they are all in the durable queue, then delivers until SIGTERM.
func runChild() int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	reg := prometheus.NewRegistry()
	fw, err := New(ctx, &Config{QueueDir: os.Getenv(childDir), Outputs: []OutputConfig{{
		Type: TypeWebhook, Name: "siem", URL: os.Getenv(childURL), BatchSize: 50,
		Retry: &RetryConfig{Initial: 10 * time.Millisecond, Max: 100 * time.Millisecond},
	}}}, &Options{Registerer: reg, Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	n, _ := strconv.Atoi(os.Getenv(childSend))
	for i := range n {
		fw.Send(testFinding(i))
	}
	for counter(nil, reg, "queue_depth") < float64(n) {
		time.Sleep(2 * time.Millisecond)
	}
	fmt.Println("queued")
	<-ctx.Done()
	fw.Close(context.Background())
	return 0
}

func startChild(t *testing.T, dir, url string, send int) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1", childDir+"="+dir, childURL+"="+url,
		childSend+"="+strconv.Itoa(send))
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, bufio.NewScanner(out)
}

// TestCrashRecovery kills the delivering process with SIGKILL mid-delivery,
// restarts it on the same queue_dir, and expects every finding at the
// receiver.
func TestCrashRecovery(t *testing.T) {
	const n = 3000
	rc := newReceiver()
	var open atomic.Bool
	rc.setFault(func(w http.ResponseWriter, r *http.Request, body []byte) bool {
		if !open.Load() {
			http.Error(w, "not yet", http.StatusServiceUnavailable)
			return true
		}
		time.Sleep(200 * time.Microsecond) // slow enough to kill mid-delivery
		return false
	})
	srv := rc.start(t)
	dir := t.TempDir()

	child, out := startChild(t, dir, srv.URL, n)
	if !out.Scan() || strings.TrimSpace(out.Text()) != "queued" {
		t.Fatalf("child did not queue its findings: %q", out.Text())
	}
	open.Store(true)
	waitFor(t, 30*time.Second, "a part of the findings to arrive", func() bool {
		u, _ := rc.counts()
		return u >= n/4
	})
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	before, _ := rc.counts()
	if before == n {
		t.Fatalf("all %d findings arrived before the kill; the test did not crash mid-delivery", n)
	}

	child, _ = startChild(t, dir, srv.URL, 0)
	waitFor(t, 60*time.Second, "all findings after the restart", func() bool {
		u, _ := rc.counts()
		return u == n
	})
	child.Process.Signal(syscall.SIGTERM)
	if err := child.Wait(); err != nil {
		t.Errorf("child did not stop cleanly: %v", err)
	}
	unique, dups := rc.counts()
	t.Logf("crash: %d findings, %d arrived before SIGKILL, %d after restart in total, %d duplicates", n, before, unique, dups)
	for i := range n {
		if rc.seen[testFinding(i).ID] == 0 {
			t.Fatalf("finding %d lost", i)
		}
	}
}
