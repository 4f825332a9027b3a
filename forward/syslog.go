package forward

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/splicewatch/splicewatch/forward/format"
)

// syslogSender writes RFC 5424 messages over UDP, TCP or TLS. On TCP and
// TLS each message is framed by octet counting (RFC 6587 3.4.1, RFC 5425).
//
// Syslog has no application-level acknowledgement: a completed write is
// taken as delivered. Before each batch the connection is probed, so a
// receiver that closed it is noticed and the batch goes on a new one.
type syslogSender struct {
	network, addr string
	tls           *tls.Config
	header        format.SyslogHeader
	cef           bool
	version       string
	timeout       time.Duration
	conn          net.Conn
}

func newSyslog(cfg *OutputConfig, env *outputEnv, log *slog.Logger) (*syslogSender, error) {
	s := &syslogSender{
		network: cfg.Transport, addr: cfg.Address,
		header: format.SyslogHeader{Facility: cfg.Facility, ProcID: os.Getpid()},
		cef:    cfg.Format == "cef", version: env.version, timeout: cfg.Timeout,
	}
	if cfg.Facility == 0 {
		s.header.Facility = 16 // local0
	}
	if cfg.Transport == "tls" {
		c, err := clientTLS(cfg.TLS, cfg.Name, log)
		if err != nil {
			return nil, err
		}
		if c.ServerName == "" {
			host, _, _ := net.SplitHostPort(cfg.Address)
			c.ServerName = host
		}
		s.tls = c
	}
	return s, nil
}

func (s *syslogSender) dial(ctx context.Context) (net.Conn, error) {
	switch s.network {
	case "tls":
		d := &tls.Dialer{Config: s.tls}
		return d.DialContext(ctx, "tcp", s.addr)
	default:
		var d net.Dialer
		return d.DialContext(ctx, s.network, s.addr)
	}
}

// message renders one item as a syslog message, without framing.
func (s *syslogSender) message(it *item) ([]byte, error) {
	f, err := it.finding()
	if err != nil {
		return nil, err
	}
	msg := format.Summary(f)
	if s.cef {
		msg = format.CEF(f, s.version)
	}
	return format.RFC5424(f, s.header, msg), nil
}

func (s *syslogSender) send(ctx context.Context, batch []*item) error {
	var buf []byte
	var msgs [][]byte
	errs := make(itemErrors, len(batch))
	for i, it := range batch {
		m, err := s.message(it)
		if err != nil {
			errs[i] = err
			continue
		}
		if s.network == "udp" {
			msgs = append(msgs, m)
			continue
		}
		buf = strconv.AppendInt(buf, int64(len(m)), 10)
		buf = append(append(buf, ' '), m...)
	}
	if err := s.write(ctx, buf, msgs); err != nil {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
		return errs
	}
	return errs.err()
}

func (s *syslogSender) write(ctx context.Context, stream []byte, datagrams [][]byte) error {
	if s.conn != nil && s.network != "udp" && peerClosed(s.conn) {
		s.conn.Close()
		s.conn = nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if s.conn == nil {
		c, err := s.dial(ctx)
		if err != nil {
			return fmt.Errorf("connect to syslog %s: %w", s.addr, err)
		}
		s.conn = c
	}
	deadline, _ := ctx.Deadline()
	s.conn.SetWriteDeadline(deadline)
	var err error
	if s.network == "udp" {
		for _, d := range datagrams {
			if _, err = s.conn.Write(d); err != nil {
				break
			}
		}
	} else if len(stream) > 0 {
		_, err = s.conn.Write(stream)
	}
	if err != nil {
		s.conn.Close()
		s.conn = nil
		return fmt.Errorf("write to syslog %s: %w", s.addr, err)
	}
	return nil
}

// peerClosed reports whether the receiver has closed or reset conn. A
// syslog receiver never sends, so any read result but a timeout means the
// connection is gone.
func peerClosed(c net.Conn) bool {
	c.SetReadDeadline(time.Now().Add(time.Millisecond))
	var b [1]byte
	_, err := c.Read(b[:])
	c.SetReadDeadline(time.Time{})
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

func (s *syslogSender) close() error {
	if s.conn != nil {
		err := s.conn.Close()
		s.conn = nil
		if err != nil && !errors.Is(err, net.ErrClosed) {
			return fmt.Errorf("close syslog connection: %w", err)
		}
	}
	return nil
}
