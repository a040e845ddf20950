package temporalenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/testca"
)

// env is an environment for Load that is not the process's.
type env map[string]string

func (e env) LookupEnv(k string) (string, bool) { v, ok := e[k]; return v, ok }

func (e env) Environ() []string {
	var out []string
	for k, v := range e {
		out = append(out, k+"="+v)
	}
	return out
}

// files writes the test's certificates and TOML files into a directory.
type files struct {
	dir, ca, cert, key, otherKey, notPEM string
}

func newFiles(t *testing.T) files {
	t.Helper()
	dir := t.TempDir()
	ca := testca.New(t, "temporalenv test CA")
	f := files{dir: dir, ca: ca.WriteCert(dir, "ca.crt")}
	f.cert, f.key = ca.Client("worker").Write(dir, "client")
	_, f.otherKey = ca.Client("other").Write(dir, "other")
	f.notPEM = filepath.Join(dir, "not.pem")
	if err := os.WriteFile(f.notPEM, []byte("not a certificate\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f files) toml(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(f.dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLoadPrecedence: flags over TEMPORAL_* over the profile over the
// defaults, and how each setting turns TLS and credentials on.
func TestLoadPrecedence(t *testing.T) {
	f := newFiles(t)
	cfgFile := f.toml(t, "temporal.toml", `
[profile.default]
address = "default.example:7233"
namespace = "ns-default"

[profile.cloud]
address = "ns.acct.tmprl.cloud:7233"
namespace = "ns.acct"
api_key = "profile-key"

[profile.mtls]
address = "mtls.example:7233"
namespace = "ns-mtls"
[profile.mtls.tls]
client_cert_path = "`+f.cert+`"
client_key_path = "`+f.key+`"
server_ca_cert_path = "`+f.ca+`"
server_name = "frontend.internal"
[profile.mtls.grpc_meta]
x-team = "security"
`)
	noFile := f.toml(t, "empty.toml", "")
	for _, tc := range []struct {
		name                 string
		s                    Settings
		addr, ns, profile    string
		tls, clientCert, key bool
		serverName           string
		header               string
	}{
		{name: "nothing configured", s: Settings{Env: env{"TEMPORAL_CONFIG_FILE": noFile}},
			addr: DefaultAddress, ns: DefaultNamespace},
		{name: "default profile", s: Settings{Env: env{"TEMPORAL_CONFIG_FILE": cfgFile}},
			addr: "default.example:7233", ns: "ns-default", profile: "default"},
		{name: "environment over the profile", s: Settings{Env: env{"TEMPORAL_CONFIG_FILE": cfgFile, "TEMPORAL_ADDRESS": "env.example:7233", "TEMPORAL_NAMESPACE": "ns-env"}},
			addr: "env.example:7233", ns: "ns-env", profile: "default"},
		{name: "flags over the environment", s: Settings{Address: "flag.example:7233", Namespace: "ns-flag", Env: env{"TEMPORAL_CONFIG_FILE": cfgFile, "TEMPORAL_ADDRESS": "env.example:7233", "TEMPORAL_NAMESPACE": "ns-env"}},
			addr: "flag.example:7233", ns: "ns-flag", profile: "default"},
		{name: "profile flag over TEMPORAL_PROFILE", s: Settings{Profile: "cloud", Env: env{"TEMPORAL_CONFIG_FILE": cfgFile, "TEMPORAL_PROFILE": "mtls"}},
			addr: "ns.acct.tmprl.cloud:7233", ns: "ns.acct", profile: "cloud", tls: true, key: true},
		{name: "API key from the environment turns TLS on", s: Settings{Env: env{"TEMPORAL_CONFIG_FILE": noFile, "TEMPORAL_API_KEY": "k"}},
			addr: DefaultAddress, ns: DefaultNamespace, tls: true, key: true},
		{name: "TEMPORAL_TLS=false keeps an API key in the clear", s: Settings{Env: env{"TEMPORAL_CONFIG_FILE": noFile, "TEMPORAL_API_KEY": "k", "TEMPORAL_TLS": "false"}},
			addr: DefaultAddress, ns: DefaultNamespace, key: true},
		{name: "mTLS profile", s: Settings{Profile: "mtls", Env: env{"TEMPORAL_CONFIG_FILE": cfgFile}},
			addr: "mtls.example:7233", ns: "ns-mtls", profile: "mtls", tls: true, clientCert: true, serverName: "frontend.internal", header: "security"},
		{name: "empty variables count as unset", s: Settings{Profile: "mtls", Env: env{"TEMPORAL_CONFIG_FILE": cfgFile, "TEMPORAL_ADDRESS": "", "TEMPORAL_TLS_CLIENT_CERT_PATH": "", "TEMPORAL_TLS": ""}},
			addr: "mtls.example:7233", ns: "ns-mtls", profile: "mtls", tls: true, clientCert: true, serverName: "frontend.internal", header: "security"},
		{name: "an empty TLS variable does not turn TLS on", s: Settings{Env: env{"TEMPORAL_CONFIG_FILE": noFile, "TEMPORAL_TLS_SERVER_NAME": ""}},
			addr: DefaultAddress, ns: DefaultNamespace},
		{name: "TEMPORAL_TLS=true alone", s: Settings{Env: env{"TEMPORAL_CONFIG_FILE": noFile, "TEMPORAL_TLS": "TRUE"}},
			addr: DefaultAddress, ns: DefaultNamespace, tls: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(tc.s)
			if err != nil {
				t.Fatal(err)
			}
			if c.Address != tc.addr || c.Options.HostPort != tc.addr || c.Namespace != tc.ns || c.Options.Namespace != tc.ns {
				t.Errorf("address %q (options %q), namespace %q (options %q); want %q, %q", c.Address, c.Options.HostPort, c.Namespace, c.Options.Namespace, tc.addr, tc.ns)
			}
			if c.Profile != tc.profile {
				t.Errorf("profile %q, want %q", c.Profile, tc.profile)
			}
			if c.TLS != tc.tls || c.ClientCert != tc.clientCert || c.APIKey != tc.key {
				t.Errorf("TLS %v, client certificate %v, API key %v; want %v, %v, %v", c.TLS, c.ClientCert, c.APIKey, tc.tls, tc.clientCert, tc.key)
			}
			if tc.key != (c.Options.Credentials != nil) {
				t.Errorf("credentials %v, want an API key: %v", c.Options.Credentials, tc.key)
			}
			if tc.tls {
				conf := c.Options.ConnectionOptions.TLS
				if conf == nil {
					t.Fatal("no TLS config")
				}
				if conf.ServerName != tc.serverName {
					t.Errorf("server name %q, want %q", conf.ServerName, tc.serverName)
				}
				if tc.clientCert && conf.RootCAs == nil {
					t.Error("no server CA pool")
				}
			} else if c.Options.ConnectionOptions.TLS != nil && !c.Options.ConnectionOptions.TLSDisabled {
				t.Errorf("TLS on: %+v", c.Options.ConnectionOptions.TLS)
			}
			if tc.header != "" {
				h, err := c.Options.HeadersProvider.GetHeaders(t.Context())
				if err != nil || h["x-team"] != tc.header {
					t.Errorf("gRPC headers %v (%v), want x-team=%s", h, err, tc.header)
				}
			}
			if strings.Contains(c.String(), "profile-key") {
				t.Errorf("description %q shows the API key", c)
			}
		})
	}
}

// TestLoadErrors: every bad setting is one line that names the file or
// the variable, and the setting.
func TestLoadErrors(t *testing.T) {
	f := newFiles(t)
	good := f.toml(t, "good.toml", "[profile.a]\naddress = \"a:7233\"\n\n[profile.b]\naddress = \"b:7233\"\n")
	for _, tc := range []struct {
		name string
		s    Settings
		want []string
	}{
		{name: "TOML syntax", s: Settings{Env: env{"TEMPORAL_CONFIG_FILE": f.toml(t, "syntax.toml", "[profile.default]\naddress = a:7233\n")}},
			want: []string{"temporal config " + filepath.Join(f.dir, "syntax.toml"), "line 2", "profile.default.address"}},
		{name: "unknown key", s: Settings{Env: env{"TEMPORAL_CONFIG_FILE": f.toml(t, "unknown.toml", "[profile.default]\nadress = \"a:7233\"\n")}},
			want: []string{filepath.Join(f.dir, "unknown.toml"), "profile.default.adress"}},
		{name: "unknown TLS key", s: Settings{Env: env{"TEMPORAL_CONFIG_FILE": f.toml(t, "unknowntls.toml", "[profile.default.tls]\nclient_cert = \"x\"\n")}},
			want: []string{filepath.Join(f.dir, "unknowntls.toml"), "profile.default.tls.client_cert"}},
		{name: "named file missing", s: Settings{Env: env{"TEMPORAL_CONFIG_FILE": filepath.Join(f.dir, "gone.toml")}},
			want: []string{"TEMPORAL_CONFIG_FILE", "gone.toml", "no such file"}},
		{name: "profile flag not in the file", s: Settings{Profile: "prod", Env: env{"TEMPORAL_CONFIG_FILE": good}},
			want: []string{good, `no profile "prod"`, "a, b"}},
		{name: "TEMPORAL_PROFILE not in the file", s: Settings{Env: env{"TEMPORAL_CONFIG_FILE": good, "TEMPORAL_PROFILE": "prod"}},
			want: []string{good, `no profile "prod"`}},
		{name: "bad boolean", s: Settings{Env: env{"TEMPORAL_CONFIG_FILE": good, "TEMPORAL_TLS": "yes"}},
			want: []string{`TEMPORAL_TLS="yes"`, "true, false, 1 or 0"}},
		{name: "bad host verification boolean", s: Settings{Env: env{"TEMPORAL_CONFIG_FILE": good, "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION": "on"}},
			want: []string{"TEMPORAL_TLS_DISABLE_HOST_VERIFICATION"}},
		{name: "certificate file missing (environment)", s: Settings{Env: env{"TEMPORAL_CONFIG_FILE": good,
			"TEMPORAL_TLS_CLIENT_CERT_PATH": filepath.Join(f.dir, "gone.crt"), "TEMPORAL_TLS_CLIENT_KEY_PATH": f.key}},
			want: []string{"TEMPORAL_TLS_CLIENT_CERT_PATH", "gone.crt", "no such file"}},
		{name: "certificate file missing (profile)", s: Settings{Profile: "x", Env: env{"TEMPORAL_CONFIG_FILE": f.toml(t, "gonecert.toml",
			"[profile.x.tls]\nclient_cert_path = \"/nonexistent/c.crt\"\nclient_key_path = \""+f.key+"\"\n")}},
			want: []string{`tls.client_cert_path of profile "x" in ` + filepath.Join(f.dir, "gonecert.toml"), "/nonexistent/c.crt", "no such file"}},
		{name: "key without certificate", s: Settings{Env: env{"TEMPORAL_CONFIG_FILE": good, "TEMPORAL_TLS_CLIENT_KEY_PATH": f.key}},
			want: []string{"TEMPORAL_TLS_CLIENT_KEY_PATH is set but no client certificate is"}},
		{name: "key of another certificate", s: Settings{Env: env{"TEMPORAL_CONFIG_FILE": good, "TEMPORAL_TLS_CLIENT_CERT_PATH": f.cert, "TEMPORAL_TLS_CLIENT_KEY_PATH": f.otherKey}},
			want: []string{"TEMPORAL_TLS_CLIENT_CERT_PATH", "TEMPORAL_TLS_CLIENT_KEY_PATH", "private key does not match public key"}},
		{name: "CA file without a certificate", s: Settings{Env: env{"TEMPORAL_CONFIG_FILE": good, "TEMPORAL_TLS_SERVER_CA_CERT_PATH": f.notPEM}},
			want: []string{"TEMPORAL_TLS_SERVER_CA_CERT_PATH", f.notPEM, "no PEM certificate"}},
		{name: "CA file missing (profile)", s: Settings{Profile: "x", Env: env{"TEMPORAL_CONFIG_FILE": f.toml(t, "goneca.toml", "[profile.x.tls]\nserver_ca_cert_path = \"/nonexistent/ca.crt\"\n")}},
			want: []string{`tls.server_ca_cert_path of profile "x"`, "/nonexistent/ca.crt"}},
		{name: "certificate path and data both", s: Settings{Env: env{"TEMPORAL_CONFIG_FILE": good, "TEMPORAL_TLS_CLIENT_CERT_PATH": f.cert, "TEMPORAL_TLS_CLIENT_KEY_PATH": f.key, "TEMPORAL_TLS_CLIENT_CERT_DATA": "x"}},
			want: []string{"invalid TLS config", "client cert or key data"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.s)
			if err == nil {
				t.Fatalf("Load succeeded, want an error with %q", tc.want)
			}
			msg := err.Error()
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
}

// TestLoadDefaultFile: without TEMPORAL_CONFIG_FILE the file is
// temporalio/temporal.toml under the user's config directory, and its
// absence is no error.
func TestLoadDefaultFile(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	t.Setenv("HOME", home)
	c, err := Load(Settings{Env: env{}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Address != DefaultAddress || c.File != "" || c.TLS {
		t.Fatalf("without a file: %s (file %q), want the plain dev server", c, c.File)
	}
	dir := filepath.Join(home, "config", "temporalio")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "temporal.toml")
	if err := os.WriteFile(path, []byte("[profile.default]\naddress = \"home.example:7233\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err = Load(Settings{Env: env{}}); err != nil {
		t.Fatal(err)
	}
	if c.Address != "home.example:7233" || c.File != path || c.Profile != "default" {
		t.Fatalf("with %s: %s, want home.example:7233 from its default profile", path, c)
	}
}

// TestDevEnviron: a child pointed at a dev server sees none of the
// machine's TEMPORAL_* settings and no profile file, and loads the plain
// server.
func TestDevEnviron(t *testing.T) {
	got := DevEnviron([]string{"PATH=/bin", "TEMPORAL_API_KEY=k", "TEMPORAL_PROFILE=cloud", "TEMPORAL_TLS=true", "MLCTL_X=1"}, "127.0.0.1:9", "default")
	e := env{}
	for _, kv := range got {
		k, v, _ := strings.Cut(kv, "=")
		e[k] = v
	}
	if e["PATH"] != "/bin" || e["MLCTL_X"] != "1" || len(e) != 5 {
		t.Fatalf("environment %q", got)
	}
	c, err := Load(Settings{Env: e})
	if err != nil {
		t.Fatal(err)
	}
	if c.Address != "127.0.0.1:9" || c.Namespace != "default" || c.TLS || c.APIKey || c.File != "" {
		t.Fatalf("child loads %s (TLS %v, API key %v, file %q), want the plain dev server", c, c.TLS, c.APIKey, c.File)
	}
}
