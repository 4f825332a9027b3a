package forward

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"
)

// TLSConfig configures TLS for a network output. Server certificates are
// verified against the system roots, or CAFile when set.
type TLSConfig struct {
	// CAFile is a PEM bundle of the CAs that sign the receiver's certificate.
	CAFile string `yaml:"ca_file"`
	// CertFile and KeyFile are the client certificate for mutual TLS.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// ServerName overrides the name checked in the server certificate.
	ServerName string `yaml:"server_name"`
	// InsecureSkipVerify turns off server verification. Never the default;
	// a warning is logged when it is used.
	InsecureSkipVerify bool `yaml:"insecure_skip_verify"`
}

// clientTLS builds a crypto/tls configuration. A nil c gives verified TLS
// with the system roots.
func clientTLS(c *TLSConfig, output string, log *slog.Logger) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if c == nil {
		return cfg, nil
	}
	cfg.ServerName = c.ServerName
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("tls.ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls.ca_file: no PEM certificates in %s", c.CAFile)
		}
		cfg.RootCAs = pool
	}
	if (c.CertFile == "") != (c.KeyFile == "") {
		return nil, fmt.Errorf("tls: cert_file and key_file go together")
	}
	if c.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("tls.cert_file: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	if c.InsecureSkipVerify {
		log.Warn("TLS certificate verification is OFF for this output; anyone on the path can read and forge its traffic",
			"output", output)
		cfg.InsecureSkipVerify = true
	}
	return cfg, nil
}
