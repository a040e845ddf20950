package serving

import (
	"context"
	"fmt"
	"net"
	"strings"
)

// HTTPSecurity is how the HTTP API authenticates its clients and
// whether it speaks TLS (`mlctl serve --http-tokens, --tls-*`). Without
// authentication (no Tokens, no TLSClientCA) the API listens on
// loopback only, unless Insecure says otherwise.
type HTTPSecurity struct {
	// Tokens is a token file (see Tokens; "" for none).
	Tokens string
	// TLSCert and TLSKey serve HTTPS ("" for plain HTTP); TLSClientCA
	// verifies client certificates, which then authenticate.
	TLSCert, TLSKey, TLSClientCA string
	// ClientNames are the only client certificates let in (see
	// HTTPAuth.ClientNames; empty: any the CA signed).
	ClientNames []string
	// HealthAuth makes the health paths need credentials too.
	HealthAuth bool
	// Insecure lets the API listen beyond loopback without authentication.
	Insecure bool
}

// Authenticated says whether requests must authenticate.
func (s HTTPSecurity) Authenticated() bool { return s.Tokens != "" || s.TLSClientCA != "" }

// Validate says what is missing or contradictory, naming the flags.
func (s HTTPSecurity) Validate() error {
	switch {
	case (s.TLSCert == "") != (s.TLSKey == ""):
		return fmt.Errorf("--tls-cert and --tls-key go together: give both")
	case s.TLSClientCA != "" && s.TLSCert == "":
		return fmt.Errorf("--tls-client-ca verifies client certificates over TLS: give --tls-cert and --tls-key too")
	case len(s.ClientNames) > 0 && s.TLSClientCA == "":
		return fmt.Errorf("--tls-client-name picks among client certificates: give --tls-client-ca too")
	}
	for _, n := range s.ClientNames {
		if strings.TrimSpace(n) == "" {
			return fmt.Errorf("--tls-client-name: an empty name")
		}
	}
	return nil
}

// CheckBind refuses an HTTP listen address beyond loopback for an API
// without authentication (unless Insecure): anyone who can reach the
// address could score, read the metrics and learn the model in service.
// A host name counts as loopback when every address it resolves to is.
func CheckBind(ctx context.Context, addr string, s HTTPSecurity) error {
	if addr == "" || s.Authenticated() || s.Insecure {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--http %s: %w", addr, err)
	}
	if loopbackHost(ctx, host) {
		return nil
	}
	return fmt.Errorf("--http %s listens beyond loopback without authentication: give --http-tokens FILE or --tls-client-ca FILE "+
		"(see README, Securing the scorer), listen on 127.0.0.1, or give --http-insecure to serve it open on purpose", addr)
}

// loopbackHost says whether host is a loopback address or a name whose
// addresses all are ("" and unspecified addresses are every interface).
func loopbackHost(ctx context.Context, host string) bool {
	if host == "" {
		return false
	}
	if ip := net.ParseIP(strings.Split(host, "%")[0]); ip != nil {
		return ip.IsLoopback()
	}
	ips, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil || len(ips) == 0 {
		return false
	}
	for _, ip := range ips {
		if !ip.IP.IsLoopback() {
			return false
		}
	}
	return true
}

// listenerLoopback says whether l listens on a loopback address.
func listenerLoopback(l net.Listener) bool {
	a, ok := l.Addr().(*net.TCPAddr)
	return ok && a.IP.IsLoopback()
}
