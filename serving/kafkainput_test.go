package serving

import (
	"slices"
	"strings"
	"testing"
)

// TestParseKafkaInput reads the URLs of --kafka-dns and --kafka-conn:
// brokers with and without ports, topics, group, TLS and SASL; refuses
// credentials in the URL, unknown parameters and bad topics, saying why.
func TestParseKafkaInput(t *testing.T) {
	in, err := ParseKafkaInput("kafka://k1,k2:9093,[::1]/zeek-dns,zeek_dns2?group=scorers&sasl=scram-sha-512&ca=/etc/ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(in.Brokers, []string{"k1:9092", "k2:9093", "[::1]:9092"}) || !slices.Equal(in.Topics, []string{"zeek-dns", "zeek_dns2"}) ||
		in.Group != "scorers" || in.SASL != "scram-sha-512" || !in.TLS || in.CAFile != "/etc/ca.pem" {
		t.Fatalf("parsed %+v", in)
	}
	if s := in.String(); s != "kafka://k1:9092,k2:9093,[::1]:9092/zeek-dns,zeek_dns2?group=scorers&sasl=scram-sha-512&tls=true" {
		t.Fatalf("String() = %s", s)
	}
	in, err = ParseKafkaInput("kafka+tls://broker/dns")
	if err != nil || !in.TLS || in.Group != "" || in.SASL != "" {
		t.Fatalf("kafka+tls: %+v %v", in, err)
	}
	for raw, want := range map[string]string{
		"http://broker/dns":                    "want kafka://",
		"kafka://broker":                       "no topic",
		"kafka://broker/":                      "no topic",
		"kafka://user:secret@broker/dns":       "credentials do not go in the URL",
		"kafka://broker/dns?grup=x":            `unknown parameter "grup"`,
		"kafka://broker/dns?group=":            "an empty group",
		"kafka://broker/d%20ns":                `topic "d ns"`,
		"kafka://broker/dns?sasl=gssapi":       `sasl="gssapi"`,
		"kafka://broker/dns?tls=maybe":         `tls="maybe"`,
		"kafka://broker/dns?cert=/c.pem":       "cert and key together",
		"kafka://a,,b/dns":                     "an empty broker",
		"kafka://broker:notaport/dns?group=g1": "invalid port",
	} {
		_, err := ParseKafkaInput(raw)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one saying %q", raw, err, want)
		}
	}
	if _, err := (KafkaInput{Brokers: []string{"b:9092"}, Topics: []string{"t"}, SASL: "plain"}).clientOpts(); err == nil ||
		!strings.Contains(err.Error(), "MLCTL_KAFKA_USER") {
		t.Errorf("SASL without credentials: %v", err)
	}
}

// TestUnwrapZeekJSON takes bare records, records wrapped under their log's
// name (the zeek-kafka plugin), tells records of another log apart, and
// leaves a record with one nested field and malformed JSON to the parser.
func TestUnwrapZeekJSON(t *testing.T) {
	bare := `{"ts":1.5,"query":"a.example.com"}`
	for _, c := range []struct{ in, bare, other, err string }{
		{in: bare, bare: bare},
		{in: `{"dns": ` + bare + `}`, bare: bare},
		{in: `{"dns":` + bare + "}\t", bare: bare},
		{in: `{"conn": {"ts":1.5,"uid":"C1"}}`, other: "conn"},
		{in: `{"id": {"orig_h":"10.0.0.1"}}`, bare: `{"id": {"orig_h":"10.0.0.1"}}`},
		{in: `{"dns": {"query":"a"}, "extra": 1}`, bare: `{"dns": {"query":"a"}, "extra": 1}`},
		{in: `{"dns": {"query":`, bare: `{"dns": {"query":`},
		{in: "query a.example.com", err: "not a JSON object"},
		{in: "", err: "not a JSON object"},
	} {
		b, other, err := unwrapZeekJSON(c.in, "dns")
		if (err == nil) != (c.err == "") || err != nil && !strings.Contains(err.Error(), c.err) || strings.TrimSpace(b) != strings.TrimSpace(c.bare) || other != c.other {
			t.Errorf("%q: bare %q other %q err %v, want %q %q %q", c.in, b, other, err, c.bare, c.other, c.err)
		}
	}
	var lines []string
	var nums []int
	eachZeekLine([]byte("{\"a\":1}\n\n{\"b\":2}\n"), func(text string, line int) { lines, nums = append(lines, text), append(nums, line) })
	if !slices.Equal(lines, []string{`{"a":1}`, `{"b":2}`}) || !slices.Equal(nums, []int{1, 3}) {
		t.Errorf("lines %q at %v", lines, nums)
	}
	e := &KafkaRecordError{Topic: "dns", Partition: 3, Offset: 17, Line: 2, Field: "ts", Reason: `"x" is not a time`}
	if e.Error() != `topic dns partition 3 offset 17 line 2: field ts: "x" is not a time` {
		t.Errorf("error %s", e)
	}
}

// TestKafkaGroupsOfAConfig: inputs without a group get their source's
// default (on copies), and one group reading one topic for both inputs is
// refused, since it would split the topic's partitions between them.
func TestKafkaGroupsOfAConfig(t *testing.T) {
	dns := &KafkaInput{Brokers: []string{"b:9092"}, Topics: []string{"zeek"}}
	conn := &KafkaInput{Brokers: []string{"b:9092"}, Topics: []string{"zeek"}}
	cfg := Config{Alias: "production", KafkaDNS: dns, KafkaConn: conn}
	if err := cfg.kafkaGroups(); err != nil {
		t.Fatal(err)
	}
	if cfg.KafkaDNS.Group != "mlctl-production-dns" || cfg.KafkaConn.Group != "mlctl-production-conn" || dns.Group != "" {
		t.Fatalf("groups %q and %q (caller's %q)", cfg.KafkaDNS.Group, cfg.KafkaConn.Group, dns.Group)
	}
	dns.Group, conn.Group = "soc", "soc"
	cfg = Config{Alias: "production", KafkaDNS: dns, KafkaConn: conn}
	if err := cfg.kafkaGroups(); err == nil || !strings.Contains(err.Error(), "split its partitions") {
		t.Fatalf("one group for both inputs of one topic: %v", err)
	}
	cfg = Config{Alias: "production", KafkaDNS: &KafkaInput{Brokers: []string{"b:9092"}}}
	if err := cfg.kafkaGroups(); err == nil {
		t.Fatal("an input without a topic passed")
	}
}
