package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/mlctl/mlctl/internal/testca"
	"github.com/mlctl/mlctl/worker/temporaltest"
)

// TestTemporalTLS: mlctl reaches a Temporal frontend behind TLS as an
// operator configures it, through TEMPORAL_* variables alone and through a
// TOML profile alone. A real dev server sits behind a TLS proxy that
// requires a client certificate from the test's CA (as Temporal Cloud's
// mTLS namespaces do); `mlctl schedule list` (the CLI's own dial path)
// lists a schedule made on the server when the client certificate is
// configured, and fails with one clear line when it is not, when the
// server's CA is not trusted or its certificate lacks the server name
// asked for, or when a file is missing; --temporal, TEMPORAL_ADDRESS and
// --namespace win over the profile. A second proxy
// without client certificates shows an API key travels as
// `authorization: Bearer KEY` and turns TLS on by itself.
func TestTemporalTLS(t *testing.T) {
	srv := temporaltest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := srv.Client().ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:     "retrain-tls",
		Spec:   client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: time.Hour}}},
		Action: &client.ScheduleWorkflowAction{ID: "retrain-tls-run", Workflow: "Retrain", TaskQueue: "mlctl-control"},
		Paused: true,
		Note:   "made by TestTemporalTLS",
	}); err != nil {
		t.Fatalf("create schedule: %v", err)
	}
	waitListed(ctx, t, srv.Client(), "retrain-tls")

	dir := t.TempDir()
	ca := testca.New(t, "mlctl test CA")
	caPath := ca.WriteCert(dir, "ca.crt")
	certPath, keyPath := ca.Client("mlctl-worker").Write(dir, "client")
	otherCAPath := testca.New(t, "some other CA").WriteCert(dir, "other-ca.crt")
	serverCert := ca.Server("temporal-frontend").TLS()
	mtls := temporaltest.StartTLSProxy(t, srv.FrontendHostPort(), serverCert, ca.Pool())
	apiKeyProxy := temporaltest.StartTLSProxy(t, srv.FrontendHostPort(), serverCert, nil)

	empty := filepath.Join(dir, "empty.toml")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	profiles := filepath.Join(dir, "temporal.toml")
	if err := os.WriteFile(profiles, fmt.Appendf(nil, `
[profile.secure]
address = %[1]q
namespace = "default"
[profile.secure.tls]
client_cert_path = %[2]q
client_key_path = %[3]q
server_ca_cert_path = %[4]q

[profile.nocert]
address = %[1]q
[profile.nocert.tls]
server_ca_cert_path = %[4]q

[profile.elsewhere]
address = "127.0.0.1:1"
[profile.elsewhere.tls]
client_cert_path = %[2]q
client_key_path = %[3]q
server_ca_cert_path = %[4]q

[profile.lostkey]
address = %[1]q
[profile.lostkey.tls]
client_cert_path = %[2]q
client_key_path = %[5]q
server_ca_cert_path = %[4]q
`, mtls.Addr(), certPath, keyPath, caPath, filepath.Join(dir, "gone.key")), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		// wantErr: every part must be in the one-line error; empty: success.
		wantErr []string
		// wantRefused: the proxy's side of the handshake says so.
		wantRefused string
	}{
		{name: "environment, client certificate",
			env: map[string]string{"TEMPORAL_CONFIG_FILE": empty, "TEMPORAL_ADDRESS": mtls.Addr(), "TEMPORAL_TLS_SERVER_CA_CERT_PATH": caPath,
				"TEMPORAL_TLS_CLIENT_CERT_PATH": certPath, "TEMPORAL_TLS_CLIENT_KEY_PATH": keyPath}},
		{name: "environment, no client certificate",
			env:         map[string]string{"TEMPORAL_CONFIG_FILE": empty, "TEMPORAL_ADDRESS": mtls.Addr(), "TEMPORAL_TLS_SERVER_CA_CERT_PATH": caPath},
			wantErr:     []string{"connect to Temporal at " + mtls.Addr() + " (namespace default, TLS)", "certificate required", "TEMPORAL_TLS_CLIENT_CERT_PATH"},
			wantRefused: "client didn't provide a certificate"},
		{name: "environment, TLS off",
			env:         map[string]string{"TEMPORAL_CONFIG_FILE": empty, "TEMPORAL_ADDRESS": mtls.Addr()},
			wantErr:     []string{"connect to Temporal at " + mtls.Addr() + " (namespace default)", "the server speaks TLS", "TEMPORAL_TLS=true"},
			wantRefused: "first record does not look like a TLS handshake"},
		{name: "environment, server CA not trusted",
			env: map[string]string{"TEMPORAL_CONFIG_FILE": empty, "TEMPORAL_ADDRESS": mtls.Addr(), "TEMPORAL_TLS_SERVER_CA_CERT_PATH": otherCAPath,
				"TEMPORAL_TLS_CLIENT_CERT_PATH": certPath, "TEMPORAL_TLS_CLIENT_KEY_PATH": keyPath},
			wantErr: []string{"connect to Temporal at " + mtls.Addr(), "certificate signed by unknown authority", "TEMPORAL_TLS_SERVER_CA_CERT_PATH"}},
		{name: "environment, server name localhost",
			env: map[string]string{"TEMPORAL_CONFIG_FILE": empty, "TEMPORAL_ADDRESS": mtls.Addr(), "TEMPORAL_TLS_SERVER_CA_CERT_PATH": caPath,
				"TEMPORAL_TLS_CLIENT_CERT_PATH": certPath, "TEMPORAL_TLS_CLIENT_KEY_PATH": keyPath, "TEMPORAL_TLS_SERVER_NAME": "localhost"}},
		{name: "environment, server name the certificate lacks",
			env: map[string]string{"TEMPORAL_CONFIG_FILE": empty, "TEMPORAL_ADDRESS": mtls.Addr(), "TEMPORAL_TLS_SERVER_CA_CERT_PATH": caPath,
				"TEMPORAL_TLS_CLIENT_CERT_PATH": certPath, "TEMPORAL_TLS_CLIENT_KEY_PATH": keyPath, "TEMPORAL_TLS_SERVER_NAME": "temporal.example"},
			wantErr: []string{"connect to Temporal at " + mtls.Addr(), "not temporal.example", "set TEMPORAL_TLS_SERVER_NAME"}},
		{name: "environment, client key file missing",
			env: map[string]string{"TEMPORAL_CONFIG_FILE": empty, "TEMPORAL_ADDRESS": mtls.Addr(), "TEMPORAL_TLS_SERVER_CA_CERT_PATH": caPath,
				"TEMPORAL_TLS_CLIENT_CERT_PATH": certPath, "TEMPORAL_TLS_CLIENT_KEY_PATH": filepath.Join(dir, "gone.key")},
			wantErr: []string{"TEMPORAL_TLS_CLIENT_KEY_PATH", filepath.Join(dir, "gone.key"), "no such file"}},
		{name: "profile, client certificate",
			env:  map[string]string{"TEMPORAL_CONFIG_FILE": profiles},
			args: []string{"--temporal-profile", "secure"}},
		{name: "profile from TEMPORAL_PROFILE",
			env: map[string]string{"TEMPORAL_CONFIG_FILE": profiles, "TEMPORAL_PROFILE": "secure"}},
		{name: "profile, no client certificate",
			env:     map[string]string{"TEMPORAL_CONFIG_FILE": profiles, "TEMPORAL_PROFILE": "nocert"},
			wantErr: []string{"connect to Temporal at " + mtls.Addr(), `profile "nocert" in ` + profiles, "certificate required", "tls.client_cert_path"}, wantRefused: "client didn't provide a certificate"},
		{name: "profile, client key file missing",
			env:     map[string]string{"TEMPORAL_CONFIG_FILE": profiles, "TEMPORAL_PROFILE": "lostkey"},
			wantErr: []string{`tls.client_key_path of profile "lostkey" in ` + profiles, "gone.key", "no such file"}},
		{name: "profile, --temporal overrides its address",
			env:  map[string]string{"TEMPORAL_CONFIG_FILE": profiles, "TEMPORAL_PROFILE": "elsewhere"},
			args: []string{"--temporal", mtls.Addr()}},
		{name: "profile, TEMPORAL_ADDRESS overrides its address",
			env: map[string]string{"TEMPORAL_CONFIG_FILE": profiles, "TEMPORAL_PROFILE": "elsewhere", "TEMPORAL_ADDRESS": mtls.Addr()}},
		{name: "profile, its own address",
			env:     map[string]string{"TEMPORAL_CONFIG_FILE": profiles, "TEMPORAL_PROFILE": "elsewhere"},
			wantErr: []string{"connect to Temporal at 127.0.0.1:1 (namespace default, mTLS, profile \"elsewhere\" in " + profiles}},
		{name: "profile, --namespace overrides its namespace",
			env:     map[string]string{"TEMPORAL_CONFIG_FILE": profiles, "TEMPORAL_PROFILE": "secure"},
			args:    []string{"--namespace", "not-there"},
			wantErr: []string{"Namespace not-there is not found"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			isolateTemporalEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			refusedBefore := len(mtls.Refused())
			out, err := mlctlOutput(append(tc.args, "schedule", "list", "--json")...)
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatalf("schedule list: %v", err)
				}
				if !listsTLSSchedule(out) {
					t.Fatalf("schedule list printed %q, want the schedule retrain-tls", out)
				}
				return
			}
			if err == nil {
				t.Fatalf("schedule list succeeded (%q), want an error with %q", out, tc.wantErr)
			}
			msg := oneLine(err.Error())
			t.Logf("mlctl: %s", msg)
			for _, part := range tc.wantErr {
				if !strings.Contains(msg, part) {
					t.Errorf("error %q lacks %q", msg, part)
				}
			}
			if tc.wantRefused != "" {
				refused := mtls.Refused()[refusedBefore:]
				if !slices.ContainsFunc(refused, func(s string) bool { return strings.Contains(s, tc.wantRefused) }) {
					t.Errorf("proxy refused handshakes with %q, want %q", refused, tc.wantRefused)
				}
			}
		})
	}

	t.Run("API key", func(t *testing.T) {
		isolateTemporalEnv(t)
		t.Setenv("TEMPORAL_CONFIG_FILE", empty)
		t.Setenv("TEMPORAL_ADDRESS", apiKeyProxy.Addr())
		t.Setenv("TEMPORAL_TLS_SERVER_CA_CERT_PATH", caPath)
		t.Setenv("TEMPORAL_API_KEY", "test-key-0123")
		out, err := mlctlOutput("schedule", "list", "--json")
		if err != nil {
			t.Fatalf("schedule list with an API key: %v", err)
		}
		if !listsTLSSchedule(out) {
			t.Fatalf("schedule list printed %q, want the schedule retrain-tls", out)
		}
		if apiKeyProxy.Handshakes() == 0 {
			t.Fatal("no TLS handshake: an API key must turn TLS on")
		}
		auth := apiKeyProxy.Header("authorization")
		if len(auth) == 0 || !slices.Contains(auth, "Bearer test-key-0123") {
			t.Fatalf("authorization headers through the proxy: %q, want Bearer test-key-0123 on every call", auth)
		}
		for _, a := range auth {
			if a != "Bearer test-key-0123" {
				t.Fatalf("authorization header %q, want Bearer test-key-0123", a)
			}
		}
		if got := mtls.Header("authorization"); len(got) != 0 {
			t.Fatalf("calls without an API key sent authorization %q", got)
		}
	})
}

// isolateTemporalEnv unsets every TEMPORAL_* variable for the test (the
// machine's own settings must not leak in); t.Setenv restores them after.
func isolateTemporalEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TEMPORAL_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
}

// mlctlOutput runs the CLI in process (runMlctl) and returns its stdout.
func mlctlOutput(args ...string) (string, error) {
	var out, errOut bytes.Buffer
	err := runMlctl(&out, &errOut, args...)
	return out.String(), err
}

// listsTLSSchedule says whether `schedule list --json` printed the test's
// schedule.
func listsTLSSchedule(out string) bool {
	for line := range strings.Lines(out) {
		var v scheduleView
		if json.Unmarshal([]byte(line), &v) == nil && v.ID == "retrain-tls" && v.Name == "tls" && v.Paused {
			return true
		}
	}
	return false
}

// waitListed waits until the server's schedule list (eventually
// consistent) shows id.
func waitListed(ctx context.Context, t *testing.T, tc client.Client, id string) {
	t.Helper()
	for {
		it, err := tc.ScheduleClient().List(ctx, client.ScheduleListOptions{})
		for err == nil && it.HasNext() {
			var e *client.ScheduleListEntry
			if e, err = it.Next(); err == nil && e.ID == id {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("schedule %s not listed: %v", id, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
