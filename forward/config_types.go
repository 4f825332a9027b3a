package forward

import (
	"net"
	"net/url"
	"path"
	"strings"
)

// validateType checks the keys each output type needs.
func (o *OutputConfig) validateType(bad badKey) error {
	for _, r := range o.Rules {
		if _, err := path.Match(r, ""); err != nil {
			return bad("rules", "bad pattern %q", r)
		}
	}
	switch o.Type {
	case TypeStdout:
		return o.checkFormat(bad, "splicewatch", "falcosidekick", "ocsf", "ecs")
	case TypeFile:
		if o.Path == "" {
			return bad("path", "required for file outputs")
		}
		return o.checkFormat(bad, "splicewatch", "falcosidekick", "ocsf", "ecs")
	case TypeWebhook:
		if err := checkURL(o.URL); err != nil {
			return bad("url", "%s", err.Error())
		}
		return o.checkFormat(bad, "splicewatch", "falcosidekick", "ocsf", "ecs")
	case TypeOCSF:
		if (o.Path == "") == (o.URL == "") {
			return bad("path", "set exactly one of path and url")
		}
		if o.URL != "" {
			if err := checkURL(o.URL); err != nil {
				return bad("url", "%s", err.Error())
			}
		}
		return o.checkFormat(bad, "ocsf")
	case TypeSyslog:
		if _, _, err := net.SplitHostPort(o.Address); err != nil {
			return bad("address", "want host:port: %s", err.Error())
		}
		switch o.Transport {
		case "":
			o.Transport = "tcp"
		case "udp", "tcp", "tls":
		default:
			return bad("transport", "must be udp, tcp or tls, not %q", o.Transport)
		}
		if o.Facility < 0 || o.Facility > 23 {
			return bad("facility", "must be 0-23")
		}
		if o.Format == "" {
			o.Format = "rfc5424"
		}
		return o.checkFormat(bad, "rfc5424", "cef")
	case TypeSplunk:
		if err := checkURL(o.URL); err != nil {
			return bad("url", "%s", err.Error())
		}
		if o.Token == (TokenRef{}) {
			return bad("token_env", "splunk needs token_env, token_file or token")
		}
		return nil
	case TypeElasticsearch:
		if err := checkURL(o.URL); err != nil {
			return bad("url", "%s", err.Error())
		}
		if o.Index == "" {
			return bad("index", "required for elasticsearch outputs")
		}
		return nil
	case TypeKafka:
		if len(o.Brokers) == 0 {
			return bad("brokers", "required for kafka outputs")
		}
		if o.Topic == "" {
			return bad("topic", "required for kafka outputs")
		}
		if o.SASL != nil {
			switch strings.ToUpper(o.SASL.Mechanism) {
			case "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512":
			default:
				return bad("sasl.mechanism", "must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
			}
		}
		return o.checkFormat(bad, "splicewatch", "falcosidekick", "ocsf", "ecs")
	case "":
		return bad("type", "required")
	}
	return bad("type", "unknown output type %q", o.Type)
}

func (o *OutputConfig) checkFormat(bad badKey, allowed ...string) error {
	if o.Format == "" {
		o.Format = allowed[0]
	}
	for _, a := range allowed {
		if o.Format == a {
			return nil
		}
	}
	return bad("format", "must be one of %s, not %q", strings.Join(allowed, ", "), o.Format)
}

func checkURL(s string) error {
	if s == "" {
		return errString("required")
	}
	u, err := url.Parse(s)
	if err != nil {
		return errString("not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return errString("scheme must be http or https")
	}
	if u.Host == "" {
		return errString("missing host")
	}
	return nil
}

type errString string

func (e errString) Error() string { return string(e) }
