package temporalenv

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"

	"go.temporal.io/sdk/contrib/envconfig"
)

// sources says where a setting came from, so that an error names it the
// way the operator wrote it: the environment variable when that is set,
// else the key of the profile in the TOML file.
type sources struct {
	file, profile string
	env           envconfig.EnvLookup
}

// name is how the operator spelled the setting.
func (s sources) name(envVar, key string) string {
	if _, ok := s.env.LookupEnv(envVar); ok || s.file == "" {
		return envVar
	}
	return fmt.Sprintf("%s of profile %q in %s", key, s.profile, s.file)
}

// profileName names the profile for errors about it as a whole.
func (s sources) profileName() string {
	if s.file == "" {
		return "environment"
	}
	return fmt.Sprintf("profile %q in %s", s.profile, s.file)
}

// checkTLSFiles reads the certificate files t names and parses them,
// so that a missing file, a key that does not match its certificate or a
// CA file without a certificate is an error naming the setting, before
// any connection is tried.
func checkTLSFiles(t *envconfig.ClientConfigTLS, src sources) error {
	if t == nil || t.Disabled {
		return nil
	}
	certName := src.name("TEMPORAL_TLS_CLIENT_CERT_PATH", "tls.client_cert_path")
	keyName := src.name("TEMPORAL_TLS_CLIENT_KEY_PATH", "tls.client_key_path")
	switch {
	case t.ClientCertPath != "" && t.ClientKeyPath == "" && len(t.ClientKeyData) == 0:
		return fmt.Errorf("temporal: %s is set but no client key is (TEMPORAL_TLS_CLIENT_KEY_PATH or tls.client_key_path)", certName)
	case t.ClientKeyPath != "" && t.ClientCertPath == "" && len(t.ClientCertData) == 0:
		return fmt.Errorf("temporal: %s is set but no client certificate is (TEMPORAL_TLS_CLIENT_CERT_PATH or tls.client_cert_path)", keyName)
	}
	var cert, key []byte
	var err error
	if t.ClientCertPath != "" {
		if cert, err = os.ReadFile(t.ClientCertPath); err != nil {
			return fmt.Errorf("temporal: %s: %w", certName, err)
		}
	}
	if t.ClientKeyPath != "" {
		if key, err = os.ReadFile(t.ClientKeyPath); err != nil {
			return fmt.Errorf("temporal: %s: %w", keyName, err)
		}
	}
	if cert != nil && key != nil {
		if _, err := tls.X509KeyPair(cert, key); err != nil {
			return fmt.Errorf("temporal: %s (%s) and %s (%s): %w", certName, t.ClientCertPath, keyName, t.ClientKeyPath, err)
		}
	}
	if t.ServerCACertPath != "" {
		caName := src.name("TEMPORAL_TLS_SERVER_CA_CERT_PATH", "tls.server_ca_cert_path")
		ca, err := os.ReadFile(t.ServerCACertPath)
		if err != nil {
			return fmt.Errorf("temporal: %s: %w", caName, err)
		}
		if !x509.NewCertPool().AppendCertsFromPEM(ca) {
			return fmt.Errorf("temporal: %s: %s holds no PEM certificate", caName, t.ServerCACertPath)
		}
	}
	return nil
}
