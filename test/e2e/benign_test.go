package e2e

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/splicewatch/splicewatch/event"
	"github.com/splicewatch/splicewatch/test/trigger"
)

// settle is how long a benign test waits after its workload for late
// events (and their findings) before it checks that none was raised.
const settle = 300 * time.Millisecond

// requireNoFindings fails the test for every finding raised by an event
// that match selects, and returns how many selected events were seen.
func requireNoFindings(t *testing.T, p *pipeline, match func(*event.Event) bool) int {
	t.Helper()
	time.Sleep(settle)
	n := countEvents(p, match)
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, f := range p.findings {
		if match(f.Event) {
			t.Errorf("benign workload raised %s (%s) on %s: data %v, args %v", f.Rule.ID, f.Rule.Name, f.Event.Name, f.Data, f.Event.Args)
		}
	}
	return n
}

// countEvents returns how many collected events match selects.
func countEvents(p *pipeline, match func(*event.Event) bool) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, ev := range p.events {
		if match(ev) {
			n++
		}
	}
	return n
}

// bigFile writes n random bytes to a new file in dir.
func bigFile(t *testing.T, dir string, n int) (string, []byte) {
	t.Helper()
	b := make([]byte, n)
	rand.Read(b)
	path := filepath.Join(dir, "payload.bin")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, b
}

// Everyday users of the zero-copy calls raise no finding from any rule,
// Go or Rego.
func TestBenignWorkloads(t *testing.T) {
	p := startPipeline(t, nil)
	pid := uint32(os.Getpid())

	t.Run("Go io.Copy TCP proxy", func(t *testing.T) {
		began := time.Now()
		payload := make([]byte, 8<<20)
		rand.Read(payload)
		got := proxyRoundTrip(t, payload)
		if !bytes.Equal(got, payload) {
			t.Fatalf("proxy returned %d bytes, not the %d sent", len(got), len(payload))
		}
		mine := func(ev *event.Event) bool { return ev.Process.PID == pid && !ev.Time.Before(began) }
		p.waitFor(t, "the proxy's splice calls", func([]*event.Event) bool {
			return countEvents(p, func(ev *event.Event) bool { return mine(ev) && ev.Name == event.NameSplice && ev.Ret > 0 }) > 0
		})
		t.Logf("%d events", requireNoFindings(t, p, mine))
	})

	t.Run("python http.server", func(t *testing.T) {
		python := lookPython(t)
		dir := t.TempDir()
		_, want := bigFile(t, dir, 4<<20)
		srv := startPython(t, python, "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", dir)
		began := time.Now()
		if got := fetch(t, srv.url+"/payload.bin"); !bytes.Equal(got, want) {
			t.Fatalf("http.server returned %d bytes, want %d", len(got), len(want))
		}
		// Python 3.11's http.server copies with read and write; the
		// stock server makes no zero-copy call, so this only checks that
		// nothing it does is mistaken for an attack.
		t.Logf("%d events", requireNoFindings(t, p, srv.mine(began)))
	})

	t.Run("python socket.sendfile server", func(t *testing.T) {
		python := lookPython(t)
		dir := t.TempDir()
		_, want := bigFile(t, dir, 4<<20)
		srv := startPython(t, python, "-c", sendfileServer, dir)
		began := time.Now()
		if got := fetch(t, srv.url+"/payload.bin"); !bytes.Equal(got, want) {
			t.Fatalf("sendfile server returned %d bytes, want %d", len(got), len(want))
		}
		mine := srv.mine(began)
		p.waitFor(t, "python's sendfile calls", func([]*event.Event) bool {
			return countEvents(p, func(ev *event.Event) bool { return mine(ev) && ev.Name == event.NameSendfile && ev.Ret > 0 }) > 0
		})
		t.Logf("%d events", requireNoFindings(t, p, mine))
	})

	t.Run("unprivileged splice of a read-only file", func(t *testing.T) {
		// A reader, not the exploit: page-aligned, into fresh pipes (one
		// of them a tiny unaligned read, but the ring has not wrapped).
		python := lookPython(t)
		if _, err := os.Stat("/usr/bin/python3"); err == nil {
			python = "/usr/bin/python3" // nobody cannot enter /root/.pyenv
		}
		target := filepath.Join(sharedDir(t), "root-owned")
		if err := os.WriteFile(target, bytes.Repeat([]byte("root only\n"), 10000), 0o644); err != nil {
			t.Fatal(err)
		}
		began := time.Now()
		cmd := exec.Command(python, "-c", spliceReader, target)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		if out, err := cmd.CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "65536 10" {
			t.Fatalf("python splice as nobody: %v: %s", err, out)
		}
		child := uint32(cmd.Process.Pid)
		mine := func(ev *event.Event) bool { return ev.Process.PID == child && !ev.Time.Before(began) }
		p.waitFor(t, "the two splice calls", func([]*event.Event) bool {
			return countEvents(p, func(ev *event.Event) bool { return mine(ev) && ev.Name == event.NameSplice }) >= 2
		})
		requireNoFindings(t, p, mine)
	})

	t.Run("cat of a large file into a pipe", func(t *testing.T) {
		path, want := bigFile(t, t.TempDir(), 16<<20)
		began := time.Now()
		cmd := exec.Command("cat", path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatalf("start cat: %v", err)
		}
		got, err := io.ReadAll(out)
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("cat: %v, %d bytes of %d", err, len(got), len(want))
		}
		cat := uint32(cmd.Process.Pid)
		t.Logf("%d events", requireNoFindings(t, p, func(ev *event.Event) bool {
			return ev.Process.PID == cat && !ev.Time.Before(began)
		}))
	})

	t.Run("vmsplice read before munmap", func(t *testing.T) {
		tid := thread(t)
		began := time.Now()
		addr, _, err := trigger.PageRace(trigger.RaceNone)
		if err != nil {
			t.Fatal(err)
		}
		mine := func(ev *event.Event) bool { return ev.Process.TID == tid && !ev.Time.Before(began) }
		p.waitFor(t, "the vmsplice", func([]*event.Event) bool {
			return countEvents(p, func(ev *event.Event) bool {
				a, _ := ev.Args.Uint("range_start")
				return mine(ev) && ev.Name == event.NameVmsplice && a == addr
			}) > 0
		})
		requireNoFindings(t, p, mine)
		if n := countEvents(p, func(ev *event.Event) bool { return mine(ev) && ev.Name == event.NamePageRace }); n != 0 {
			t.Errorf("%d page_race events for a pipe read before munmap", n)
		}
	})
}

// proxyRoundTrip sends payload through a Go TCP proxy (io.Copy in both
// directions, which Go does with splice through a pipe) to an echo server,
// and returns what came back.
func proxyRoundTrip(t *testing.T, payload []byte) []byte {
	t.Helper()
	echo := listen(t, func(c net.Conn) { io.Copy(c, c) })
	proxy := listen(t, func(c net.Conn) {
		up, err := net.Dial("tcp", echo)
		if err != nil {
			return
		}
		defer up.Close()
		done := make(chan struct{})
		go func() {
			io.Copy(c, up)
			close(done)
		}()
		io.Copy(up, c)
		up.(*net.TCPConn).CloseWrite()
		<-done
	})
	conn, err := net.Dial("tcp", proxy)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	go func() {
		conn.Write(payload)
		conn.(*net.TCPConn).CloseWrite()
	}()
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	got, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("read through the proxy: %v", err)
	}
	return got
}

// listen serves each connection to a new local listener with handle, and
// closes the connection after it.
func listen(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return ln.Addr().String()
}

// lookPython returns python3's path. Without it the test skips, unless CI
// is set.
func lookPython(t *testing.T) string {
	t.Helper()
	python, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3 is required in CI: %v", err)
		}
		t.Skipf("python3 not installed (apt-get install python3): %v", err)
	}
	return python
}

// sendfileServer is http.server with its copy replaced by socket.sendfile,
// as file-serving Python code commonly does.
const sendfileServer = `
import http.server, sys, functools
class H(http.server.SimpleHTTPRequestHandler):
    def copyfile(self, source, outputfile):
        outputfile.flush()
        self.connection.sendfile(source)
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(H, directory=sys.argv[1]))
print("Serving HTTP on 127.0.0.1 port %d" % srv.server_address[1], flush=True)
srv.serve_forever()
`

// spliceReader splices 64 KiB of a file into a fresh pipe, then 10 bytes
// from offset 1 into another, and prints both results.
const spliceReader = `
import os, sys
f = os.open(sys.argv[1], os.O_RDONLY)
r, w = os.pipe()
a = os.splice(f, w, 65536, offset_src=0)
r2, w2 = os.pipe()
b = os.splice(f, w2, 10, offset_src=1)
print(a, b)
`

// pyServer is a running Python HTTP server.
type pyServer struct {
	url string
	pid uint32
}

// mine selects the server's events from began on.
func (s *pyServer) mine(began time.Time) func(*event.Event) bool {
	return func(ev *event.Event) bool { return ev.Process.PID == s.pid && !ev.Time.Before(began) }
}

// startPython runs python with args, waits for its "Serving HTTP on ...
// port N" line and stops it at cleanup.
func startPython(t *testing.T, python string, args ...string) *pyServer {
	t.Helper()
	cmd := exec.Command(python, append([]string{"-u"}, args...)...)
	cmd.Stderr = io.Discard
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start python: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if _, rest, ok := strings.Cut(sc.Text(), " port "); ok {
				port <- strings.Fields(rest)[0]
				break
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case p := <-port:
		return &pyServer{url: fmt.Sprintf("http://127.0.0.1:%s", p), pid: uint32(cmd.Process.Pid)}
	case <-time.After(20 * time.Second):
		t.Fatal("python HTTP server did not start")
	}
	return nil
}

// fetch GETs url and returns the body.
func fetch(t *testing.T, url string) []byte {
	t.Helper()
	c := &http.Client{Timeout: 20 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
