package serving

import (
	"crypto/tls"
	"crypto/x509"
	"net/url"
	"os"

	"github.com/mlctl/mlctl"
)

// sinkTLS is the TLS configuration a --sink URL's query gives: ca=FILE
// (PEM roots to verify the peer with; default the system's), cert=FILE and
// key=FILE (a client certificate, both or neither) and server_name= (the
// name to verify, default the URL's host). Verification is never off.
func sinkTLS(q url.Values, host string) (*tls.Config, error) {
	c := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: host}
	if n := q.Get("server_name"); n != "" {
		c.ServerName = n
	}
	if ca := q.Get("ca"); ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, mlctl.Errorf(mlctl.EINVALID, "ca: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, mlctl.Errorf(mlctl.EINVALID, "ca %s: no PEM certificate in it", ca)
		}
		c.RootCAs = pool
	}
	cert, key := q.Get("cert"), q.Get("key")
	if (cert == "") != (key == "") {
		return nil, mlctl.Errorf(mlctl.EINVALID, "give cert= and key= together (a client certificate and its key)")
	}
	if cert != "" {
		kp, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, mlctl.Errorf(mlctl.EINVALID, "client certificate: %v", err)
		}
		c.Certificates = []tls.Certificate{kp}
	}
	return c, nil
}

// hasTLSOptions tells whether q sets any TLS option.
func hasTLSOptions(q url.Values) bool {
	for _, k := range []string{"ca", "cert", "key", "server_name"} {
		if q.Has(k) {
			return true
		}
	}
	return false
}

// checkQuery refuses query keys a --sink does not know (a typo would
// otherwise be ignored silently).
func checkQuery(q url.Values, known ...string) error {
	for k := range q {
		ok := false
		for _, kk := range known {
			ok = ok || k == kk
		}
		if !ok {
			return mlctl.Errorf(mlctl.EINVALID, "unknown option %q (known: %v)", k, known)
		}
	}
	return nil
}
