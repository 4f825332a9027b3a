package forward

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// requireProgram skips when an external program is missing, except under
// CI=true, where a missing program is a failure.
func requireProgram(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required under CI (apt-get install %s): %v", name, pkg, err)
	}
	t.Skipf("%s not installed (apt-get install %s)", name, pkg)
	return ""
}

// rsyslogMsg is one message as rsyslog parsed it.
type rsyslogMsg struct {
	Pri, Version, Hostname, App, ProcID, MsgID, SD, Msg string
}

// rsyslog is a receiver process started by the test.
type rsyslog struct {
	addr  string
	out   string
	start func()
	stop  func() // SIGKILL
}

// startRsyslog runs rsyslogd in the foreground with its own configuration,
// listening on 127.0.0.1 only, writing every message it parsed as one JSON
// line. transport is udp, tcp or tls; tls requires client certificates of
// pki's CA (mutual TLS).
func startRsyslog(t *testing.T, transport string, pki *testPKI) *rsyslog {
	t.Helper()
	bin := requireProgram(t, "rsyslogd", "rsyslog")
	dir := t.TempDir()
	port := freePort(t, transport == "udp")
	r := &rsyslog{addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), out: filepath.Join(dir, "out.json")}
	var input string
	switch transport {
	case "udp":
		input = fmt.Sprintf(`module(load="imudp")
input(type="imudp" address="127.0.0.1" port="%d")`, port)
	case "tcp":
		input = fmt.Sprintf(`module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="%d")`, port)
	case "tls":
		if _, err := os.Stat("/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so"); err != nil && os.Getenv("CI") != "true" {
			t.Skip("rsyslog-gnutls not installed (apt-get install rsyslog-gnutls)")
		}
		input = fmt.Sprintf(`global(DefaultNetstreamDriverCAFile="%s" DefaultNetstreamDriverCertFile="%s" DefaultNetstreamDriverKeyFile="%s")
module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="x509/certvalid")
input(type="imtcp" address="127.0.0.1" port="%d")`, pki.CA, pki.ServerCert, pki.ServerKey, port)
	}
	conf := fmt.Sprintf(`global(workDirectory="%s" maxMessageSize="64k")
%s
template(name="fields" type="list" option.jsonf="on") {
  property(outname="pri" name="pri" format="jsonf")
  property(outname="version" name="protocol-version" format="jsonf")
  property(outname="hostname" name="hostname" format="jsonf")
  property(outname="app" name="app-name" format="jsonf")
  property(outname="procid" name="procid" format="jsonf")
  property(outname="msgid" name="msgid" format="jsonf")
  property(outname="sd" name="structured-data" format="jsonf")
  property(outname="msg" name="msg" format="jsonf")
}
action(type="omfile" file="%s" template="fields")
`, dir, input, r.out)
	confPath := filepath.Join(dir, "rsyslog.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	r.start = func() {
		cmd := exec.Command(bin, "-n", "-f", confPath, "-i", filepath.Join(dir, "rsyslog.pid"))
		logf, _ := os.OpenFile(filepath.Join(dir, "rsyslogd.log"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		cmd.Stdout, cmd.Stderr = logf, logf
		// rsyslogd dies with the test binary, even when it is killed.
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			t.Fatalf("start rsyslogd: %v", err)
		}
		r.stop = func() {
			cmd.Process.Kill()
			cmd.Wait()
			logf.Close()
			os.Remove(filepath.Join(dir, "rsyslog.pid"))
		}
	}
	r.start()
	t.Cleanup(func() {
		r.stop()
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "rsyslogd.log"))
			t.Logf("rsyslogd output:\n%s", b)
		}
	})
	r.waitListening(t, transport)
	return r
}

// waitListening waits until rsyslogd accepts connections.
func (r *rsyslog) waitListening(t *testing.T, transport string) {
	t.Helper()
	if transport != "udp" {
		waitFor(t, 10*time.Second, "rsyslogd to listen", func() bool {
			c, err := net.Dial("tcp", r.addr)
			if err == nil {
				c.Close()
			}
			return err == nil
		})
	} else {
		time.Sleep(300 * time.Millisecond) // no way to probe UDP; imudp binds at start
	}
}

// messages returns what rsyslog has written so far.
func (r *rsyslog) messages(t *testing.T) []rsyslogMsg {
	t.Helper()
	f, err := os.Open(r.out)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []rsyslogMsg
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m struct {
			Pri, Version, Hostname, App, ProcID, MsgID, SD, Msg string
		}
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			continue // a line still being written
		}
		out = append(out, rsyslogMsg(m))
	}
	return out
}

func freePort(t *testing.T, udp bool) int {
	t.Helper()
	if udp {
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).Port
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
