package registry_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/internal/testca"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// TestOpenVerifyFull: against a private PostgreSQL that speaks TLS only,
// with a server certificate from a CA made in the test (SANs 127.0.0.1
// and localhost), registry.Open with sslmode=verify-full and that CA as
// sslrootcert connects over TLS and migrations run; a wrong CA, no CA (the
// system roots), a missing CA file and a connection without TLS are each
// refused with one line that says why. Then the server rotates to a
// certificate naming 127.0.0.1 alone, which shows the host check:
// verify-full refuses it under the name localhost, verify-ca (the CA
// only) does not.
func TestOpenVerifyFull(t *testing.T) {
	dir := t.TempDir()
	ca := testca.New(t, "registry test CA")
	caPath := ca.WriteCert(dir, "root.crt")
	otherPath := testca.New(t, "some other CA").WriteCert(dir, "other.crt")
	pair := ca.Server("postgres")
	srv := registrytest.StartPrivateServer(t, registrytest.WithTLS(registrytest.PrivateTLS{CertPEM: pair.CertPEM, KeyPEM: pair.KeyPEM}))
	srv.NewDatabase("mlctl")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	for _, host := range []string{"127.0.0.1", "localhost"} {
		t.Run("verify-full via "+host, func(t *testing.T) {
			url := fmt.Sprintf("postgres://postgres@%s:%d/mlctl?sslmode=verify-full&sslrootcert=%s", host, srv.Port(), caPath)
			db, err := registry.Open(ctx, url)
			if err != nil {
				t.Fatalf("open with verify-full: %v", err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatalf("migrate over TLS: %v", err)
			}
			var n int
			if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n == 0 {
				t.Fatalf("schema_migrations holds %d rows (%v), want the embedded migrations", n, err)
			}
			var ssl bool
			var version string
			if err := db.Pool().QueryRow(ctx, `SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()`).Scan(&ssl, &version); err != nil {
				t.Fatal(err)
			}
			if !ssl || !strings.HasPrefix(version, "TLSv1.") {
				t.Fatalf("connection ssl=%v version %q, want TLS", ssl, version)
			}
		})
	}

	for _, tc := range []struct {
		name, query string
		want        []string
	}{
		{"wrong CA", "sslmode=verify-full&sslrootcert=" + otherPath, []string{fmt.Sprintf("connect to database 127.0.0.1:%d/mlctl", srv.Port()), "certificate signed by unknown authority", "sslrootcert"}},
		{"system roots", "sslmode=verify-full", []string{"certificate signed by unknown authority"}},
		{"missing CA file", "sslmode=verify-full&sslrootcert=" + filepath.Join(dir, "gone.crt"), []string{"database url", "gone.crt", "no such file"}},
		{"no TLS", "sslmode=disable", []string{"pg_hba.conf rejects connection", "no encryption"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := registry.Open(ctx, fmt.Sprintf("postgres://postgres@127.0.0.1:%d/mlctl?%s", srv.Port(), tc.query))
			if err == nil {
				db.Close()
				t.Fatalf("open with %s succeeded", tc.query)
			}
			if tc.query != "sslmode=disable" && registry.Unreachable(err) {
				t.Errorf("a refused certificate counts as an unreachable registry (a scorer would wait it out): %v", err)
			}
			msg := err.Error()
			t.Logf("registry.Open: %s", msg)
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
		})
	}

	// After the tests above: a certificate naming 127.0.0.1 alone.
	t.Run("host check", func(t *testing.T) {
		ipOnly := ca.Server("postgres-by-ip", "127.0.0.1")
		srv.ReloadTLS(registrytest.PrivateTLS{CertPEM: ipOnly.CertPEM, KeyPEM: ipOnly.KeyPEM})
		url := func(host, mode string) string {
			return fmt.Sprintf("postgres://postgres@%s:%d/mlctl?sslmode=%s&sslrootcert=%s", host, srv.Port(), mode, caPath)
		}
		var err error
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			var db *registry.DB
			if db, err = registry.Open(ctx, url("localhost", "verify-full")); err != nil {
				break
			}
			db.Close() // the server has not reloaded yet
		}
		if err == nil {
			t.Fatal("verify-full accepted, under the name localhost, a certificate that names 127.0.0.1 alone")
		}
		if msg := err.Error(); !strings.Contains(msg, "wanted to match localhost") || !strings.Contains(msg, "name the host") || registry.Unreachable(err) {
			t.Fatalf("verify-full under a name the certificate lacks: %v (unreachable: %v)", err, registry.Unreachable(err))
		}
		for _, ok := range []string{url("127.0.0.1", "verify-full"), url("localhost", "verify-ca")} {
			db, err := registry.Open(ctx, ok)
			if err != nil {
				t.Fatalf("open %s: %v", ok, err)
			}
			db.Close()
		}
	})
}
