package registry

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"

	"github.com/jackc/pgx/v5/pgconn"
)

// Unreachable reports whether err means the database did not answer: it
// could not be dialled, the connection broke or timed out, or the server is
// starting, shutting down or full. A process that can go on without the
// registry (a scorer) waits for it; any other error, an answer from a
// server that refuses (a wrong password, a missing database, a failed
// migration), is not one and should be reported; nor is a server
// certificate that does not verify (a wrong sslrootcert, a host the
// certificate does not name), which is a configuration to fix, not an
// outage to wait out.
func Unreachable(err error) bool {
	if err == nil {
		return false
	}
	if CertificateRefused(err) {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "57P01", "57P02", "57P03", "53300": // admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err)
}

// CertificateRefused reports whether err is the client refusing the
// server's TLS certificate (sslmode=verify-ca or verify-full): not signed by
// the CA in sslrootcert, expired, or not naming the host.
func CertificateRefused(err error) bool {
	var verify *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &verify) || errors.As(err, &unknown) || errors.As(err, &host) || errors.As(err, &invalid)
}
