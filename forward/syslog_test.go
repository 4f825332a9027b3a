package forward

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/splicewatch/splicewatch/event"
)

// sdPattern is RFC 5424's SD-ELEMENT with our id and params.
var sdPattern = regexp.MustCompile(`^\[splicewatch@32473 rule_id="SPW-001" severity="high" finding_id="([0-9a-f]{32})" event="vmsplice"\]$`)

func TestSyslogRsyslog(t *testing.T) {
	const n = 50
	tests := []struct {
		transport, format string
	}{
		{"tcp", "rfc5424"},
		{"tcp", "cef"},
		{"tls", "rfc5424"},
		{"tls", "cef"},
		{"udp", "rfc5424"},
	}
	for _, tt := range tests {
		t.Run(tt.transport+"/"+tt.format, func(t *testing.T) {
			pki := newTestPKI(t)
			rs := startRsyslog(t, tt.transport, pki)
			cfg := OutputConfig{Type: TypeSyslog, Address: rs.addr, Transport: tt.transport, Format: tt.format,
				Facility: 10, Retry: fastRetry}
			if tt.transport == "tls" {
				cfg.TLS = &TLSConfig{CAFile: pki.CA, CertFile: pki.ClientCert, KeyFile: pki.ClientKey}
			}
			fw, reg := startForwarder(t, &Config{QueueDir: t.TempDir(), Outputs: []OutputConfig{cfg}})
			want := map[string]*event.Finding{}
			for i := range n {
				f := testFinding(i)
				want[f.ID] = f
				fw.Send(f)
			}
			var msgs []rsyslogMsg
			waitFor(t, 15*time.Second, "rsyslog to receive all messages", func() bool {
				msgs = rs.messages(t)
				return len(msgs) >= n
			})
			for _, m := range msgs {
				// Facility 10 (authpriv) * 8 + severity 3 (error, for "high").
				if m.Version != "1" || m.Pri != "83" || m.App != "splicewatch" || m.MsgID != "SPW-001" || m.Hostname != "node-1" {
					t.Fatalf("rsyslog did not parse an RFC 5424 header: %+v", m)
				}
				sd := sdPattern.FindStringSubmatch(m.SD)
				if sd == nil {
					t.Fatalf("structured data = %q", m.SD)
				}
				f := want[sd[1]]
				if f == nil {
					t.Fatalf("unknown finding id %s", sd[1])
				}
				delete(want, sd[1])
				if tt.format == "cef" {
					checkCEF(t, m.Msg, f)
				} else if !strings.Contains(m.Msg, f.Rule.Name) {
					t.Errorf("msg = %q", m.Msg)
				}
			}
			if len(want) != 0 {
				t.Errorf("%d findings missing", len(want))
			}
			waitFor(t, 5*time.Second, "delivered_total", func() bool { return counter(t, reg, "delivered_total") == n })
		})
	}
}

// checkCEF parses a CEF record by ArcSight's rules and compares it with f.
func checkCEF(t *testing.T, rec string, f *event.Finding) {
	t.Helper()
	rec = strings.TrimPrefix(rec, " ")
	var header []string
	var cur strings.Builder
	i := 0
	for ; i < len(rec) && len(header) < 7; i++ {
		switch c := rec[i]; {
		case c == '\\' && i+1 < len(rec):
			i++
			cur.WriteByte(rec[i])
		case c == '|':
			header = append(header, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if len(header) != 7 || header[0] != "CEF:0" || header[1] != "splicewatch" || header[4] != "SPW-001" ||
		header[5] != f.Rule.Name || header[6] != "8" {
		t.Fatalf("CEF header = %q in %q", header, rec)
	}
	ext := parseCEFExtension(rec[i:])
	if ext["sproc"] != f.Process.Comm || ext["externalId"] != f.ID || ext["dvchost"] != "node-1" || ext["msg"] != f.Rule.Description {
		t.Fatalf("CEF extension = %q from %q", ext, rec[i:])
	}
}

// parseCEFExtension splits key=value pairs; a key starts after a space and
// ends at an unescaped '='.
func parseCEFExtension(s string) map[string]string {
	out := map[string]string{}
	keyRe := regexp.MustCompile(`(?:^| )([A-Za-z0-9_]+)=`)
	locs := keyRe.FindAllStringSubmatchIndex(s, -1)
	var keys []struct {
		name       string
		start, end int
	}
	for _, l := range locs {
		if l[0] > 0 && s[l[0]-1] == '\\' {
			continue
		}
		keys = append(keys, struct {
			name       string
			start, end int
		}{s[l[2]:l[3]], l[0], l[1]})
	}
	for k, key := range keys {
		end := len(s)
		if k+1 < len(keys) {
			end = keys[k+1].start
		}
		v := s[key.end:end]
		v = strings.NewReplacer(`\=`, `=`, `\\`, `\`, `\n`, "\n", `\r`, "\r").Replace(v)
		out[key.name] = v
	}
	return out
}

// TestSyslogTLSVerifiesByDefault checks that an output without ca_file does
// not trust the test CA's receiver.
func TestSyslogTLSVerifiesByDefault(t *testing.T) {
	pki := newTestPKI(t)
	rs := startRsyslog(t, "tls", pki)
	cfg, err := clientTLS(nil, "t", testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ServerName = "127.0.0.1"
	_, err = tls.Dial("tcp", rs.addr, cfg)
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Fatalf("dial without ca_file: err = %v, want an unknown-authority error", err)
	}
}

// TestSyslogReceiverRestart kills rsyslogd (SIGKILL) between two bursts and
// starts it again on the same port: the second burst waits in the queue,
// goes out on a new connection, and nothing is lost.
func TestSyslogReceiverRestart(t *testing.T) {
	const n = 40
	rs := startRsyslog(t, "tcp", nil)
	fw, reg := startForwarder(t, &Config{QueueDir: t.TempDir(), Outputs: []OutputConfig{{
		Type: TypeSyslog, Address: rs.addr, Transport: "tcp", Retry: fastRetry,
	}}})
	for i := range n {
		fw.Send(testFinding(i))
	}
	waitFor(t, 10*time.Second, "first burst", func() bool { return len(rs.messages(t)) == n })
	rs.stop()
	for i := n; i < 2*n; i++ {
		fw.Send(testFinding(i))
	}
	waitFor(t, 5*time.Second, "failed attempts while down", func() bool { return counter(t, reg, "retried_total") > 0 })
	rs.start()
	waitFor(t, 15*time.Second, "second burst after the restart", func() bool { return len(rs.messages(t)) >= 2*n })
	ids := map[string]int{}
	for _, m := range rs.messages(t) {
		if sd := sdPattern.FindStringSubmatch(m.SD); sd != nil {
			ids[sd[1]]++
		}
	}
	for i := range 2 * n {
		if ids[testFinding(i).ID] == 0 {
			t.Errorf("finding %d lost across the receiver restart", i)
		}
	}
	t.Logf("syslog restart: %d messages, %d distinct findings", len(rs.messages(t)), len(ids))
}
