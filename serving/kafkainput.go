package serving

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/mlctl/mlctl"
)

// DefaultKafkaPort is the port of a broker given without one.
const DefaultKafkaPort = 9092

// KafkaInput is a Kafka topic a scorer consumes Zeek JSON records from, as
// a member of a consumer group: `serve --kafka-dns` and `--kafka-conn` take
// it as a URL (see ParseKafkaInput).
type KafkaInput struct {
	// Brokers are the seed brokers, host:port.
	Brokers []string
	// Topics are the topics consumed (one or more).
	Topics []string
	// Group is the consumer group; "" is the scorer's default for the
	// source (DefaultKafkaGroup).
	Group string
	// TLS dials the brokers with TLS; CAFile (PEM) replaces the system's
	// roots, CertFile and KeyFile (PEM) are a client certificate.
	TLS                       bool
	CAFile, CertFile, KeyFile string
	// SASL is the mechanism ("" none; plain, scram-sha-256,
	// scram-sha-512) and User and Password its credentials, which never
	// come from the URL (it shows in ps and in the scorer's heartbeat).
	SASL           string
	User, Password string
}

// DefaultKafkaGroup is the consumer group of a Kafka source without one:
// mlctl-ALIAS-dns for --kafka-dns, mlctl-ALIAS-conn for --kafka-conn. The
// two differ so that one topic carrying both logs (the zeek-kafka plugin's
// default) feeds both sources whole: in one group they would split its
// partitions between them.
func DefaultKafkaGroup(alias, source string) string {
	return "mlctl-" + alias + "-" + strings.TrimPrefix(source, "kafka-")
}

// ParseKafkaInput reads kafka://BROKER[:PORT][,BROKER[:PORT]]...
// /TOPIC[,TOPIC]...[?group=G][&tls=true][&ca=PEM][&cert=PEM&key=PEM]
// [&sasl=plain|scram-sha-256|scram-sha-512] (kafka+tls:// is kafka:// with
// tls=true). A broker without a port is on DefaultKafkaPort. Unknown
// parameters are errors, and so are credentials in the URL: SASL takes
// them from the environment (the caller fills User and Password).
func ParseKafkaInput(raw string) (KafkaInput, error) {
	bad := func(format string, a ...any) (KafkaInput, error) {
		return KafkaInput{}, mlctl.Errorf(mlctl.EINVALID, "kafka url %q: "+format, append([]any{raw}, a...)...)
	}
	// Parsed by hand: url.Parse takes one host, not a list.
	scheme, rest, ok := strings.Cut(raw, "://")
	var in KafkaInput
	switch {
	case !ok:
		return bad("want kafka://BROKER[:PORT],.../TOPIC?group=G")
	case scheme == "kafka":
	case scheme == "kafka+tls":
		in.TLS = true
	default:
		return bad("want kafka://BROKER[:PORT],.../TOPIC?group=G")
	}
	hosts, rest, _ := strings.Cut(rest, "/")
	path, rawQuery, _ := strings.Cut(rest, "?")
	if strings.Contains(hosts, "@") {
		return bad("credentials do not go in the URL (it shows in ps and in heartbeats): give sasl=MECHANISM and set MLCTL_KAFKA_USER and MLCTL_KAFKA_PASSWORD")
	}
	for _, b := range strings.Split(hosts, ",") {
		if b == "" {
			return bad("an empty broker")
		}
		if _, _, err := net.SplitHostPort(b); err != nil {
			b = net.JoinHostPort(strings.Trim(b, "[]"), strconv.Itoa(DefaultKafkaPort))
		}
		host, port, err := net.SplitHostPort(b)
		if n, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
			return bad("broker %q: want HOST[:PORT], an invalid port or host", b)
		}
		in.Brokers = append(in.Brokers, b)
	}
	path, err := url.PathUnescape(path)
	if err != nil {
		return bad("%v", err)
	}
	for _, t := range strings.Split(strings.Trim(path, "/"), ",") {
		if t == "" {
			return bad("no topic: want kafka://BROKER/TOPIC")
		}
		if !validKafkaTopic(t) {
			return bad("topic %q: want 1 to 249 of [a-zA-Z0-9._-]", t)
		}
		in.Topics = append(in.Topics, t)
	}
	query, err := url.ParseQuery(rawQuery)
	if err != nil {
		return bad("%v", err)
	}
	for k, vs := range query {
		v := vs[len(vs)-1]
		switch k {
		case "group":
			if v == "" {
				return bad("an empty group")
			}
			in.Group = v
		case "tls":
			if in.TLS, err = strconv.ParseBool(v); err != nil {
				return bad("tls=%q: want true or false", v)
			}
		case "ca":
			in.CAFile = v
		case "cert":
			in.CertFile = v
		case "key":
			in.KeyFile = v
		case "sasl":
			switch v {
			case "plain", "scram-sha-256", "scram-sha-512":
				in.SASL = v
			default:
				return bad("sasl=%q: want plain, scram-sha-256 or scram-sha-512", v)
			}
		default:
			return bad("unknown parameter %q (known: group, tls, ca, cert, key, sasl)", k)
		}
	}
	if (in.CertFile == "") != (in.KeyFile == "") {
		return bad("give cert and key together")
	}
	if in.CAFile != "" || in.CertFile != "" {
		in.TLS = true
	}
	return in, nil
}

// validKafkaTopic is Kafka's rule for topic names.
func validKafkaTopic(t string) bool {
	if len(t) > 249 || t == "." || t == ".." {
		return false
	}
	for _, c := range t {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// String is the input as a URL, without credentials: for logs and the
// scorer's heartbeat.
func (in KafkaInput) String() string {
	q := url.Values{}
	if in.Group != "" {
		q.Set("group", in.Group)
	}
	if in.TLS {
		q.Set("tls", "true")
	}
	if in.SASL != "" {
		q.Set("sasl", in.SASL)
	}
	s := "kafka://" + strings.Join(in.Brokers, ",") + "/" + strings.Join(in.Topics, ",")
	if len(q) > 0 {
		s += "?" + q.Encode()
	}
	return s
}

// clientOpts are the connection options: brokers, TLS, SASL.
func (in KafkaInput) clientOpts() ([]kgo.Opt, error) {
	opts := []kgo.Opt{kgo.SeedBrokers(in.Brokers...)}
	if in.TLS {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if in.CAFile != "" {
			pem, err := os.ReadFile(in.CAFile)
			if err != nil {
				return nil, fmt.Errorf("kafka ca: %w", err)
			}
			cfg.RootCAs = x509.NewCertPool()
			if !cfg.RootCAs.AppendCertsFromPEM(pem) {
				return nil, mlctl.Errorf(mlctl.EINVALID, "kafka ca %s: no PEM certificate in it", in.CAFile)
			}
		}
		if in.CertFile != "" {
			cert, err := tls.LoadX509KeyPair(in.CertFile, in.KeyFile)
			if err != nil {
				return nil, fmt.Errorf("kafka client certificate: %w", err)
			}
			cfg.Certificates = []tls.Certificate{cert}
		}
		opts = append(opts, kgo.DialTLSConfig(cfg))
	}
	if in.SASL != "" {
		if in.User == "" || in.Password == "" {
			return nil, mlctl.Errorf(mlctl.EINVALID, "kafka sasl=%s: set MLCTL_KAFKA_USER and MLCTL_KAFKA_PASSWORD", in.SASL)
		}
		switch in.SASL {
		case "plain":
			opts = append(opts, kgo.SASL(plain.Auth{User: in.User, Pass: in.Password}.AsMechanism()))
		case "scram-sha-256":
			opts = append(opts, kgo.SASL(scram.Auth{User: in.User, Pass: in.Password}.AsSha256Mechanism()))
		case "scram-sha-512":
			opts = append(opts, kgo.SASL(scram.Auth{User: in.User, Pass: in.Password}.AsSha512Mechanism()))
		}
	}
	return opts, nil
}
