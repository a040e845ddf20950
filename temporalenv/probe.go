package temporalenv

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"time"
)

// probeTimeout bounds the TLS probe made after a failed dial.
const probeTimeout = 3 * time.Second

// diagnose explains a failed dial at the TLS level, which gRPC often
// hides behind "broken pipe" or "EOF": with TLS on, it opens a TLS
// connection of its own with the same settings and returns what the server
// said (a missing or refused client certificate, an untrusted server
// certificate), with what to set; with TLS off, it checks whether the
// server speaks TLS. It returns "" when it learns nothing.
func (c Config) diagnose(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	if !c.TLS {
		conf := &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"h2"}} // only asks whether it speaks TLS
		if conn, err := (&tls.Dialer{Config: conf}).DialContext(ctx, "tcp", c.Address); err == nil {
			conn.Close()
			return "the server speaks TLS: set TEMPORAL_TLS=true (and TEMPORAL_TLS_SERVER_CA_CERT_PATH for a private CA) or tls in the profile"
		}
		return ""
	}
	conf := c.Options.ConnectionOptions.TLS.Clone()
	conf.NextProtos = []string{"h2"}
	if conf.ServerName == "" && c.Options.ConnectionOptions.Authority != "" {
		conf.ServerName = c.Options.ConnectionOptions.Authority
	}
	err := probe(ctx, c.Address, conf)
	if err == nil {
		return ""
	}
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	msg := err.Error()
	switch {
	case (strings.Contains(msg, "certificate required") || strings.Contains(msg, "bad certificate")) && !c.ClientCert:
		return msg + ": the server wants a client certificate; set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH, or tls.client_cert_path and tls.client_key_path in the profile"
	case strings.Contains(msg, "remote error: tls:"):
		return msg + ": the server refused the client certificate"
	case errors.As(err, &unknownCA):
		return msg + ": the server's certificate is not signed by a trusted CA; set TEMPORAL_TLS_SERVER_CA_CERT_PATH or tls.server_ca_cert_path in the profile"
	case errors.As(err, &hostname):
		return msg + ": set TEMPORAL_TLS_SERVER_NAME or tls.server_name in the profile to a name the certificate holds"
	}
	return err.Error()
}

// probe opens a TLS connection to addr and waits for the server's first
// bytes (a gRPC server sends its HTTP/2 SETTINGS at once): in TLS 1.3 the
// server judges the client certificate after the client's handshake is
// done, so only a read shows its verdict. A server that stays silent until
// the deadline is no evidence of anything.
func probe(ctx context.Context, addr string, conf *tls.Config) error {
	d := tls.Dialer{Config: conf}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		var opErr *net.OpError
		if errors.As(err, &opErr) && opErr.Op == "dial" {
			return nil // not reachable at all: nothing to say about TLS
		}
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetReadDeadline(dl)
	}
	var b [1]byte
	if _, err := conn.Read(b[:]); err != nil {
		var netErr net.Error
		if errors.As(err, &netErr) && netErr.Timeout() {
			return nil
		}
		return err
	}
	return nil
}
