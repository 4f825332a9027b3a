package forward

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// TestWebhookTLS runs an HTTPS receiver with a certificate from a CA made
// on the fly that requires client certificates (mutual TLS).
func TestWebhookTLS(t *testing.T) {
	pki := newTestPKI(t)
	rc := newReceiver()
	srv := httptest.NewUnstartedServer(rc)
	cert, err := tls.LoadX509KeyPair(pki.ServerCert, pki.ServerKey)
	if err != nil {
		t.Fatal(err)
	}
	caPEM, _ := os.ReadFile(pki.CA)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are the point
	srv.StartTLS()
	t.Cleanup(srv.Close)

	tests := []struct {
		name     string
		tls      *TLSConfig
		delivers bool
	}{
		{"verified with ca_file and client certificate", &TLSConfig{CAFile: pki.CA, CertFile: pki.ClientCert, KeyFile: pki.ClientKey}, true},
		{"system roots do not trust the test CA", &TLSConfig{CertFile: pki.ClientCert, KeyFile: pki.ClientKey}, false},
		{"no client certificate", &TLSConfig{CAFile: pki.CA}, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fw, reg := startForwarder(t, &Config{QueueDir: t.TempDir(), Outputs: []OutputConfig{{
				Type: TypeWebhook, URL: strings.Replace(srv.URL, "127.0.0.1", "localhost", 1), TLS: tt.tls, Retry: fastRetry,
			}}})
			f := testFinding(100 + i)
			fw.Send(f)
			if tt.delivers {
				waitFor(t, 5*time.Second, "delivery", func() bool { return counter(t, reg, "delivered_total") == 1 })
				return
			}
			waitFor(t, 5*time.Second, "retries", func() bool { return counter(t, reg, "retried_total") >= 2 })
			if rc.seen[f.ID] != 0 || counter(t, reg, "queue_depth") != 1 {
				t.Error("finding reached the receiver without a verified TLS connection, or left the queue")
			}
		})
	}
}

func TestInsecureSkipVerifyWarns(t *testing.T) {
	var logs syncBuffer
	if _, err := clientTLS(&TLSConfig{InsecureSkipVerify: true}, "o", slogTo(&logs)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "verification is OFF") {
		t.Errorf("no warning logged: %q", logs.String())
	}
}
