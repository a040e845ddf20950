// Package temporalenv finds the Temporal frontend mlctl talks to the way
// operators configure every Temporal client: a TOML profile (file at
// $TEMPORAL_CONFIG_FILE, else ~/.config/temporalio/temporal.toml) with the
// TEMPORAL_* environment variables on top (go.temporal.io/sdk/contrib/envconfig),
// and mlctl's own --temporal and --namespace flags on top of both. With
// nothing configured it is the dev server on 127.0.0.1:7233, namespace
// default, without TLS.
package temporalenv

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"
)

// DefaultAddress is the frontend used when neither flag, environment nor
// profile names one: the dev server.
const DefaultAddress = "127.0.0.1:7233"

// DefaultNamespace is the namespace used when nothing names one.
const DefaultNamespace = "default"

// Settings are what the command line says; empty fields leave the choice
// to the profile and the environment.
type Settings struct {
	// Address is --temporal when given: it wins over TEMPORAL_ADDRESS and
	// the profile's address.
	Address string
	// Namespace is --namespace when given.
	Namespace string
	// Profile is --temporal-profile; empty means $TEMPORAL_PROFILE, else
	// "default". A profile named here or in the environment must exist.
	Profile string
	// Env is where TEMPORAL_* variables are looked up; nil means the
	// process environment.
	Env envconfig.EnvLookup
}

// Config is a resolved connection: the client options and, for messages,
// where they came from. It never prints the API key.
type Config struct {
	// Options are the Temporal client options (address, namespace, TLS,
	// credentials, gRPC metadata); the caller adds its logger.
	Options client.Options
	// Address and Namespace are the frontend and namespace in use.
	Address, Namespace string
	// Profile is the profile read from File; empty when none was (no
	// file, or no "default" profile in it).
	Profile string
	// File is the TOML file the profile came from; empty when none did.
	File string
	// TLS, ClientCert and APIKey say how the connection authenticates.
	TLS, ClientCert, APIKey bool
}

// Load resolves the connection from s, the profile file and the
// environment. A bad setting (unreadable TOML, an unknown key, a profile
// asked for but missing, a certificate file that cannot be read or
// parsed, a malformed boolean) is an error naming the file and the setting.
func Load(s Settings) (Config, error) {
	env := s.Env
	if env == nil {
		env = envconfig.EnvLookupOS
	}
	env = nonEmpty{env}
	file, data, err := readFile(env)
	if err != nil {
		return Config{}, err
	}
	var conf envconfig.ClientConfig
	if err := conf.FromTOML(data, envconfig.ClientConfigFromTOMLOptions{Strict: true}); err != nil {
		return Config{}, fmt.Errorf("temporal config %s: %w", file, err)
	}
	name, found, prof, err := pickProfile(conf, file, s.Profile, env)
	if err != nil {
		return Config{}, err
	}
	if err := checkBools(env); err != nil {
		return Config{}, err
	}
	if err := prof.ApplyEnvVars(env); err != nil {
		return Config{}, fmt.Errorf("temporal environment: %w", err)
	}
	if s.Address != "" {
		prof.Address = s.Address
	}
	if s.Namespace != "" {
		prof.Namespace = s.Namespace
	}
	if prof.Address == "" {
		prof.Address = DefaultAddress
	}
	if prof.Namespace == "" {
		prof.Namespace = DefaultNamespace
	}
	src := sources{profile: name, env: env}
	if found {
		src.file = file
	}
	if err := checkTLSFiles(prof.TLS, src); err != nil {
		return Config{}, err
	}
	opts, err := prof.ToClientOptions(envconfig.ToClientOptionsRequest{})
	if err != nil {
		return Config{}, fmt.Errorf("temporal %s: %w", src.profileName(), err)
	}
	cfg := Config{
		Options: opts, Address: prof.Address, Namespace: prof.Namespace,
		File: file, APIKey: prof.APIKey != "",
		TLS: opts.ConnectionOptions.TLS != nil && !opts.ConnectionOptions.TLSDisabled,
	}
	if found {
		cfg.Profile = name
	} else {
		cfg.File = ""
	}
	if cfg.TLS {
		cfg.ClientCert = len(opts.ConnectionOptions.TLS.Certificates) > 0
	}
	return cfg, nil
}

// String describes the connection for messages: address, namespace, how
// it authenticates and which profile it came from.
func (c Config) String() string {
	parts := []string{"namespace " + c.Namespace}
	switch {
	case c.TLS && c.ClientCert:
		parts = append(parts, "mTLS")
	case c.TLS:
		parts = append(parts, "TLS")
	}
	if c.APIKey {
		parts = append(parts, "API key")
	}
	if c.File != "" {
		parts = append(parts, fmt.Sprintf("profile %q in %s", c.Profile, c.File))
	}
	return fmt.Sprintf("%s (%s)", c.Address, strings.Join(parts, ", "))
}

// readFile reads the TOML file named by TEMPORAL_CONFIG_FILE, else the
// default one. A default file that does not exist is no file; a file named
// in the environment must exist.
func readFile(env envconfig.EnvLookup) (string, []byte, error) {
	file, _ := env.LookupEnv("TEMPORAL_CONFIG_FILE")
	named := file != ""
	if !named {
		file = envconfig.DefaultConfigFilePath()
		if file == "" {
			return "", nil, nil
		}
	}
	data, err := os.ReadFile(file)
	switch {
	case err == nil:
		return file, data, nil
	case errors.Is(err, fs.ErrNotExist) && !named:
		return "", nil, nil
	case named:
		return "", nil, fmt.Errorf("temporal config: TEMPORAL_CONFIG_FILE: %w", err)
	default:
		return "", nil, fmt.Errorf("temporal config: %w", err)
	}
}

// pickProfile returns the profile named by the flag, else TEMPORAL_PROFILE,
// else "default" (which alone may be missing: then it is empty and found
// is false).
func pickProfile(conf envconfig.ClientConfig, file, flag string, env envconfig.EnvLookup) (name string, found bool, prof envconfig.ClientConfigProfile, err error) {
	name, named := flag, flag != ""
	if !named {
		name, _ = env.LookupEnv("TEMPORAL_PROFILE")
		named = name != ""
	}
	if !named {
		name = envconfig.DefaultConfigFileProfile
	}
	if p := conf.Profiles[name]; p != nil {
		prof = *p
		if p.TLS != nil {
			t := *p.TLS
			prof.TLS = &t
		}
		prof.GRPCMeta = maps.Clone(p.GRPCMeta)
		return name, true, prof, nil
	}
	if !named {
		return name, false, prof, nil
	}
	if file == "" {
		return "", false, prof, fmt.Errorf("temporal profile %q: no config file (set TEMPORAL_CONFIG_FILE or write %s)", name, envconfig.DefaultConfigFilePath())
	}
	have := slices.Sorted(maps.Keys(conf.Profiles))
	return "", false, prof, fmt.Errorf("temporal config %s: no profile %q (it has: %s)", file, name, strings.Join(have, ", "))
}

// nonEmpty treats a variable set to the empty string as unset, as
// envconfig documents (its code would otherwise turn TLS on for an empty
// TEMPORAL_TLS_CLIENT_CERT_PATH= line in a systemd environment file). The
// full environment still goes through, for TEMPORAL_GRPC_META_*, where an
// empty value removes a header the profile sets.
type nonEmpty struct{ envconfig.EnvLookup }

func (e nonEmpty) LookupEnv(k string) (string, bool) {
	v, ok := e.EnvLookup.LookupEnv(k)
	return v, ok && v != ""
}

// checkBools refuses a TEMPORAL_* boolean that envconfig would silently
// ignore (it understands only true, false, 1 and 0).
func checkBools(env envconfig.EnvLookup) error {
	for _, k := range []string{"TEMPORAL_TLS", "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION"} {
		v, ok := env.LookupEnv(k)
		if !ok || v == "" {
			continue
		}
		switch strings.ToLower(v) {
		case "true", "false", "1", "0":
		default:
			return fmt.Errorf("temporal environment: %s=%q: want true, false, 1 or 0", k, v)
		}
	}
	return nil
}
