package serving

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// TLSFiles serve the HTTP API over TLS from a certificate and key file
// and, with a client CA file, verify client certificates. The files are
// re-read without a restart: when their modification time or size
// changes (looked at on a handshake, at most once every CheckEvery) and
// on Reload (SIGHUP). A new pair or CA file that does not load is logged
// and the one in use stays.
type TLSFiles struct {
	// Cert and Key are the PEM certificate (chain) and private key files.
	Cert, Key string
	// ClientCA is a PEM file of the CAs client certificates must chain to
	// ("" for none: clients are not asked for a certificate).
	ClientCA string
	// RequireClientCert refuses a handshake without a client certificate;
	// without it a client certificate is verified when one is given, and
	// the HTTP layer (HTTPAuth) decides what a request without one may do.
	RequireClientCert bool
	// CheckEvery is how often, at most, a handshake looks at the files'
	// modification times (default 1 s); set it before Load.
	CheckEvery time.Duration
	// Log takes reloads and failed reloads (default slog.Default()).
	Log *slog.Logger
	// Failed counts reloads that failed, by file kind ("cert" or
	// "client_ca"); nil counts nothing.
	Failed func(kind string)

	mu        sync.Mutex // held while the files are looked at and loaded
	lastCheck time.Time
	certStamp fileStamp // of the pair in use, or of the last pair that failed
	caStamp   fileStamp
	cert      *tls.Certificate
	pool      *x509.CertPool
	cfg       atomic.Pointer[tls.Config] // what the next handshake uses
}

// fileStamp tells a file's versions apart: its modification time and size.
type fileStamp struct {
	mod  time.Time
	size int64
}

func stampOf(paths ...string) ([]fileStamp, error) {
	out := make([]fileStamp, len(paths))
	for i, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		out[i] = fileStamp{fi.ModTime(), fi.Size()}
	}
	return out, nil
}

// pairStamp is one stamp for one or two files: the later time and a mix
// of the sizes (either file changing changes it, as far as a reload is
// concerned).
func pairStamp(s []fileStamp) fileStamp {
	st := s[0]
	for _, o := range s[1:] {
		if o.mod.After(st.mod) {
			st.mod = o.mod
		}
		st.size = st.size*31 + o.size
	}
	return st
}

// Load reads the files for the first time; an error is the scorer's
// start failing.
func (f *TLSFiles) Load() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Cert == "" || f.Key == "" {
		return errors.New("TLS needs both a certificate and a key file")
	}
	if err := f.loadCert(); err != nil {
		return err
	}
	if f.ClientCA != "" {
		if err := f.loadCA(); err != nil {
			return err
		}
	}
	f.lastCheck = time.Now()
	f.publish()
	return nil
}

// Config is the server's TLS configuration: every handshake takes the
// files' newest good version.
func (f *TLSFiles) Config() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, GetConfigForClient: f.configForClient}
}

func (f *TLSFiles) configForClient(*tls.ClientHelloInfo) (*tls.Config, error) {
	f.mu.Lock()
	every := f.CheckEvery
	if every <= 0 {
		every = time.Second
	}
	if time.Since(f.lastCheck) >= every {
		f.check(false)
	}
	f.mu.Unlock()
	return f.cfg.Load(), nil
}

// Reload re-reads the files whether or not they look changed (SIGHUP);
// the error is the first that kept an old version in use.
func (f *TLSFiles) Reload() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.check(true)
}

// check reloads what changed (everything when force); f.mu is held.
func (f *TLSFiles) check(force bool) error {
	f.lastCheck = time.Now()
	certNew, certErr := f.reloadIf(force, "cert", &f.certStamp, f.loadCert, f.Cert, f.Key)
	if certNew {
		f.logger().Info("loaded a new TLS certificate", "cert", f.Cert, "subject", f.cert.Leaf.Subject.String(),
			"not_after", f.cert.Leaf.NotAfter.UTC().Format(time.RFC3339))
	}
	var caErr error
	var caNew bool
	if f.ClientCA != "" {
		if caNew, caErr = f.reloadIf(force, "client_ca", &f.caStamp, f.loadCA, f.ClientCA); caNew {
			f.logger().Info("loaded the TLS client CA file", "client_ca", f.ClientCA)
		}
	}
	if certNew || caNew {
		f.publish()
	}
	return errors.Join(certErr, caErr)
}

// missing is the stamp of files that could not be looked at.
var missing = fileStamp{size: -1}

// reloadIf loads paths with load when their stamp is not *stamp (or
// when force): true when it did, the error when that failed. A failure
// is logged once per version of the files (and once while they are
// missing), so a pair caught half-written is retried when it changes
// again without a log line a second.
func (f *TLSFiles) reloadIf(force bool, kind string, stamp *fileStamp, load func() error, paths ...string) (bool, error) {
	s, err := stampOf(paths...)
	if err != nil {
		if !force && *stamp == missing {
			return false, nil
		}
		*stamp = missing
		err = fmt.Errorf("TLS %s: %w", kind, err)
		f.failed(kind, err)
		return false, err
	}
	if !force && pairStamp(s) == *stamp {
		return false, nil
	}
	if err := load(); err != nil {
		f.failed(kind, err)
		return false, err
	}
	return true, nil
}

// failed logs a reload that kept the old files in use.
func (f *TLSFiles) failed(kind string, err error) {
	f.logger().Error("TLS files not reloaded; still serving the ones loaded before", "kind", kind, "error", err)
	if f.Failed != nil {
		f.Failed(kind)
	}
}

// loadCert reads the pair and records its stamp (even when it fails).
func (f *TLSFiles) loadCert() error {
	s, err := stampOf(f.Cert, f.Key)
	if err != nil {
		return fmt.Errorf("TLS certificate: %w", err)
	}
	f.certStamp = pairStamp(s)
	c, err := tls.LoadX509KeyPair(f.Cert, f.Key)
	if err != nil {
		return fmt.Errorf("TLS certificate %s and key %s: %w", f.Cert, f.Key, err)
	}
	f.cert = &c
	return nil
}

// loadCA reads the client CA file and records its stamp.
func (f *TLSFiles) loadCA() error {
	s, err := stampOf(f.ClientCA)
	if err != nil {
		return fmt.Errorf("TLS client CA: %w", err)
	}
	f.caStamp = pairStamp(s)
	b, err := os.ReadFile(f.ClientCA)
	if err != nil {
		return fmt.Errorf("TLS client CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return fmt.Errorf("TLS client CA %s: no PEM certificate in it", f.ClientCA)
	}
	f.pool = pool
	return nil
}

// publish makes the loaded files what the next handshake uses.
func (f *TLSFiles) publish() {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{*f.cert}}
	if f.pool != nil {
		cfg.ClientCAs = f.pool
		cfg.ClientAuth = tls.VerifyClientCertIfGiven
		if f.RequireClientCert {
			cfg.ClientAuth = tls.RequireAndVerifyClientCert
		}
	}
	f.cfg.Store(cfg)
}

// NotAfter is when the certificate in use expires.
func (f *TLSFiles) NotAfter() time.Time {
	cfg := f.cfg.Load()
	if cfg == nil || len(cfg.Certificates) == 0 || cfg.Certificates[0].Leaf == nil {
		return time.Time{}
	}
	return cfg.Certificates[0].Leaf.NotAfter
}

func (f *TLSFiles) logger() *slog.Logger {
	if f.Log == nil {
		return slog.Default()
	}
	return f.Log
}
