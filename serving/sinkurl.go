package serving

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/mlctl/mlctl"
)

// SinkSchemes is the --sink URL forms, for usage and error messages.
const SinkSchemes = "ecs:PATH (or ecs+file:PATH), syslog+udp://HOST:PORT, syslog+tcp://HOST:PORT, syslog+tls://HOST:PORT, " +
	"elasticsearch+http(s)://HOST:PORT/INDEX, splunk+http(s)://HOST:PORT, kafka://BROKER[,BROKER...]/TOPIC"

// Environment variables a --sink reads its secret from when its URL does
// not carry it (keeping it off the command line).
const (
	EnvSplunkToken        = "MLCTL_SPLUNK_HEC_TOKEN"
	EnvElasticsearchKey   = "MLCTL_ELASTICSEARCH_API_KEY"
	EnvElasticsearchPass  = "MLCTL_ELASTICSEARCH_PASSWORD"
	EnvKafkaSASLPassword  = "MLCTL_KAFKA_PASSWORD"
	defaultSyslogPort     = "514"
	defaultSyslogTLSPort  = "6514"
	defaultElasticIndex   = "logs-mlctl.alert-default"
	defaultSplunkEndpoint = "/services/collector/event"
)

// OpenAlertOutput opens the --sink output rawURL names (see SinkSchemes
// and the README's Alert outputs) and starts its goroutine. A URL it
// cannot use is an mlctl.EINVALID error naming the sink without its
// secrets.
func OpenAlertOutput(rawURL string, o OutputOptions, log *slog.Logger) (*AlertOutput, error) {
	o = o.withDefaults()
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Hostname == "" {
		o.Hostname, _ = os.Hostname()
	}
	name, w, err := openWriter(rawURL, o)
	if err != nil {
		if mlctl.ErrorCode(err) == mlctl.EINVALID {
			return nil, mlctl.Errorf(mlctl.EINVALID, "--sink %s: %v", name, err)
		}
		return nil, fmt.Errorf("--sink %s: %w", name, err)
	}
	return newAlertOutput(name, w, o, log), nil
}

// openWriter returns the output's name (its URL without credentials or
// query) and writer.
func openWriter(raw string, o OutputOptions) (string, alertWriter, error) {
	scheme, _, ok := strings.Cut(raw, ":")
	if !ok {
		return redact(raw), nil, mlctl.Errorf(mlctl.EINVALID, "not a sink URL: want %s", SinkSchemes)
	}
	switch scheme {
	case "ecs", "ecs+file":
		path := strings.TrimPrefix(strings.TrimPrefix(raw, scheme+":"), "//")
		if path == "" {
			return raw, nil, mlctl.Errorf(mlctl.EINVALID, "no file: want ecs:PATH")
		}
		f, err := openECSFile(path)
		return "ecs:" + path, f, err
	case "kafka":
		return openKafka(raw, o)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return redact(raw), nil, mlctl.Errorf(mlctl.EINVALID, "%v", err)
	}
	name := u.Scheme + "://" + u.Host + u.Path
	q := u.Query()
	switch u.Scheme {
	case "syslog+udp", "syslog+tcp", "syslog+tls":
		w, err := openSyslog(u, q, o)
		return name, w, err
	case "elasticsearch+http", "elasticsearch+https":
		w, err := openElastic(u, q, o)
		return name, w, err
	case "splunk+http", "splunk+https":
		w, err := openSplunk(u, q, o)
		return name, w, err
	}
	return name, nil, mlctl.Errorf(mlctl.EINVALID, "unknown scheme %q: want %s", u.Scheme, SinkSchemes)
}

// redact is a URL that did not parse, cut before anything that could be a
// secret.
func redact(raw string) string {
	if i := strings.IndexAny(raw, "@?"); i >= 0 {
		return raw[:i] + "…"
	}
	return raw
}

func hostPort(u *url.URL, defPort string) (string, error) {
	if u.Hostname() == "" {
		return "", mlctl.Errorf(mlctl.EINVALID, "no host")
	}
	port := u.Port()
	if port == "" {
		if defPort == "" {
			return "", mlctl.Errorf(mlctl.EINVALID, "no port")
		}
		port = defPort
	}
	return net.JoinHostPort(u.Hostname(), port), nil
}

func openSyslog(u *url.URL, q url.Values, o OutputOptions) (alertWriter, error) {
	known := []string{"facility", "severity"}
	def := defaultSyslogPort
	if u.Scheme == "syslog+tls" {
		known, def = append(known, "ca", "cert", "key", "server_name"), defaultSyslogTLSPort
	}
	if err := checkQuery(q, known...); err != nil {
		return nil, err
	}
	if u.Path != "" && u.Path != "/" {
		return nil, mlctl.Errorf(mlctl.EINVALID, "a syslog sink has no path (%s)", u.Path)
	}
	addr, err := hostPort(u, def)
	if err != nil {
		return nil, err
	}
	fac, sev, err := syslogPriority(q.Get("facility"), q.Get("severity"))
	if err != nil {
		return nil, err
	}
	switch u.Scheme {
	case "syslog+udp":
		return newSyslogWriter("udp", addr, nil, fac, sev, o.Hostname), nil
	case "syslog+tcp":
		return newSyslogWriter("tcp", addr, nil, fac, sev, o.Hostname), nil
	}
	tc, err := sinkTLS(q, u.Hostname())
	if err != nil {
		return nil, err
	}
	return newSyslogWriter("tcp", addr, tc, fac, sev, o.Hostname), nil
}

// httpClient is the client of an HTTP sink: TLS options from the query
// for https.
func httpClient(u *url.URL, q url.Values, https bool) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 4
	if https {
		tc, err := sinkTLS(q, u.Hostname())
		if err != nil {
			return nil, err
		}
		tr.TLSClientConfig = tc
	} else if hasTLSOptions(q) {
		return nil, mlctl.Errorf(mlctl.EINVALID, "TLS options on a plain http sink: use the +https scheme")
	}
	return &http.Client{Transport: tr}, nil
}

func openElastic(u *url.URL, q url.Values, o OutputOptions) (alertWriter, error) {
	if err := checkQuery(q, "api_key", "pipeline", "ca", "cert", "key", "server_name"); err != nil {
		return nil, err
	}
	https := u.Scheme == "elasticsearch+https"
	addr, err := hostPort(u, "9200")
	if err != nil {
		return nil, err
	}
	index := strings.Trim(u.Path, "/")
	if index == "" {
		index = defaultElasticIndex
	}
	if strings.Contains(index, "/") {
		return nil, mlctl.Errorf(mlctl.EINVALID, "index %q: want one path segment, the index or data stream", index)
	}
	client, err := httpClient(u, q, https)
	if err != nil {
		return nil, err
	}
	scheme := "http"
	if https {
		scheme = "https"
	}
	bulk := url.URL{Scheme: scheme, Host: addr, Path: "/" + index + "/_bulk"}
	if p := q.Get("pipeline"); p != "" {
		bulk.RawQuery = url.Values{"pipeline": {p}}.Encode()
	}
	w := &elasticWriter{client: client, url: bulk.String()}
	key := q.Get("api_key")
	if key == "" {
		key = o.Getenv(EnvElasticsearchKey)
	}
	switch {
	case key != "":
		w.auth = "ApiKey " + key
	case u.User != nil:
		w.user = u.User.Username()
		if p, ok := u.User.Password(); ok {
			w.pass = p
		} else {
			w.pass = o.Getenv(EnvElasticsearchPass)
		}
	}
	return w, nil
}

func openSplunk(u *url.URL, q url.Values, o OutputOptions) (alertWriter, error) {
	if err := checkQuery(q, "token", "index", "source", "ca", "cert", "key", "server_name"); err != nil {
		return nil, err
	}
	https := u.Scheme == "splunk+https"
	addr, err := hostPort(u, "8088")
	if err != nil {
		return nil, err
	}
	token := q.Get("token")
	if token == "" {
		token = o.Getenv(EnvSplunkToken)
	}
	if token == "" {
		return nil, mlctl.Errorf(mlctl.EINVALID, "no HEC token: give ?token= or $%s", EnvSplunkToken)
	}
	client, err := httpClient(u, q, https)
	if err != nil {
		return nil, err
	}
	scheme, path := "http", u.Path
	if https {
		scheme = "https"
	}
	if path == "" || path == "/" {
		path = defaultSplunkEndpoint
	}
	source := q.Get("source")
	if source == "" {
		source = "mlctl"
	}
	return &splunkWriter{client: client, url: (&url.URL{Scheme: scheme, Host: addr, Path: path}).String(), token: token,
		hostname: o.Hostname, index: q.Get("index"), source: source}, nil
}

// openKafka opens kafka://BROKER[,BROKER...]/TOPIC[?tls=1&ca=&cert=&key=
// &server_name=&sasl=plain|scram-sha-256|scram-sha-512&user=&password=]
// (password, else $MLCTL_KAFKA_PASSWORD).
func openKafka(raw string, o OutputOptions) (string, alertWriter, error) {
	rest := strings.TrimPrefix(raw, "kafka://")
	if rest == raw {
		return redact(raw), nil, mlctl.Errorf(mlctl.EINVALID, "want kafka://BROKER[,BROKER...]/TOPIC")
	}
	hosts, pathQuery, _ := strings.Cut(rest, "/")
	if at := strings.LastIndex(hosts, "@"); at >= 0 {
		return redact(raw), nil, mlctl.Errorf(mlctl.EINVALID, "credentials go in ?user= and $%s, not before the brokers", EnvKafkaSASLPassword)
	}
	topic, query, _ := strings.Cut(pathQuery, "?")
	name := "kafka://" + hosts + "/" + topic
	if hosts == "" || topic == "" || strings.Contains(topic, "/") {
		return name, nil, mlctl.Errorf(mlctl.EINVALID, "want kafka://BROKER[,BROKER...]/TOPIC")
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return name, nil, mlctl.Errorf(mlctl.EINVALID, "%v", err)
	}
	if err := checkQuery(q, "tls", "ca", "cert", "key", "server_name", "sasl", "user", "password"); err != nil {
		return name, nil, err
	}
	var seeds []string
	for _, h := range strings.Split(hosts, ",") {
		if h = strings.TrimSpace(h); h == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(h); err != nil {
			h = net.JoinHostPort(h, "9092")
		}
		seeds = append(seeds, h)
	}
	opts := []kgo.Opt{kgo.SeedBrokers(seeds...), kgo.ProduceRequestTimeout(o.Timeout)}
	if q.Get("tls") == "1" || q.Get("tls") == "true" || hasTLSOptions(q) {
		host, _, _ := net.SplitHostPort(seeds[0])
		tc, err := sinkTLS(q, host)
		if err != nil {
			return name, nil, err
		}
		if q.Get("server_name") == "" {
			tc.ServerName = "" // kgo sets each broker's own host
		}
		opts = append(opts, kgo.DialTLSConfig(tc))
	}
	if mech := q.Get("sasl"); mech != "" {
		user, pass := q.Get("user"), q.Get("password")
		if pass == "" {
			pass = o.Getenv(EnvKafkaSASLPassword)
		}
		if user == "" || pass == "" {
			return name, nil, mlctl.Errorf(mlctl.EINVALID, "sasl=%s needs user= and a password (password= or $%s)", mech, EnvKafkaSASLPassword)
		}
		switch strings.ToLower(mech) {
		case "plain":
			opts = append(opts, kgo.SASL(plain.Auth{User: user, Pass: pass}.AsMechanism()))
		case "scram-sha-256":
			opts = append(opts, kgo.SASL(scram.Auth{User: user, Pass: pass}.AsSha256Mechanism()))
		case "scram-sha-512":
			opts = append(opts, kgo.SASL(scram.Auth{User: user, Pass: pass}.AsSha512Mechanism()))
		default:
			return name, nil, mlctl.Errorf(mlctl.EINVALID, "sasl=%s: want plain, scram-sha-256 or scram-sha-512", mech)
		}
	}
	w, err := newKafkaWriter(topic, opts...)
	return name, w, err
}
