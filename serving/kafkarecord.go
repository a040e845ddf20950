package serving

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/mlctl/mlctl/datasets"
)

// KafkaRecordError is a Kafka record that could not be used, with what the
// person who runs the topic needs to find it: topic, partition and offset
// (and the line, when the record's value held several Zeek records).
type KafkaRecordError struct {
	Topic     string
	Partition int32
	Offset    int64
	// Line is the 1-based line within the value, 0 when it held one record.
	Line int
	// Field names the field at fault, "" when the record as a whole is.
	Field string
	// Reason says what is wrong, with the offending value quoted.
	Reason string
}

// Error renders the error as `topic T partition P offset O: field F: reason`.
func (e *KafkaRecordError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "topic %s partition %d offset %d", e.Topic, e.Partition, e.Offset)
	if e.Line > 0 {
		fmt.Fprintf(&b, " line %d", e.Line)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %s", e.Field)
	}
	return b.String() + ": " + e.Reason
}

// kafkaRecordError places a parser's error (a *LineError of the dns.log
// parser, a *datasets.ConnLineError of the conn.log parser) at r's line.
func kafkaRecordError(r *kgo.Record, line int, err error) *KafkaRecordError {
	e := &KafkaRecordError{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Line: line, Reason: err.Error()}
	var le *LineError
	var ce *datasets.ConnLineError
	switch {
	case errors.As(err, &le):
		e.Field, e.Reason = le.Field, le.Reason
	case errors.As(err, &ce):
		e.Field, e.Reason = ce.Field, ce.Reason
		if e.Field == "line" {
			e.Field = ""
		}
		if ce.Value != "" {
			e.Reason += ": " + zeekDNSQuote(ce.Value)
		}
	}
	return e
}

// eachZeekLine calls fn with each Zeek record of a Kafka record's value:
// one JSON object, or several one a line (blank lines left out), with its
// 1-based line number, 0 when the value holds one. An empty value is one
// empty record.
func eachZeekLine(value []byte, fn func(text string, line int)) {
	v := bytes.TrimSpace(value)
	if bytes.IndexByte(v, '\n') < 0 {
		fn(string(v), 0)
		return
	}
	n := 0
	for l := range bytes.Lines(v) {
		n++
		if l = bytes.TrimSpace(l); len(l) > 0 {
			fn(string(l), n)
		}
	}
}

// errNotZeekJSON is the reason of a record that is not a JSON object.
var errNotZeekJSON = errors.New("not a JSON object (Zeek's Kafka output writes JSON: LogAscii::use_json or the zeek-kafka plugin)")

// unwrapZeekJSON takes one Zeek JSON record, bare (Zeek's JSON logs, a
// json-streaming writer) or wrapped under its log's name as the zeek-kafka
// plugin writes it ({"dns": {...}}). It returns the bare record, or the
// name of another log when the record is one wrapped for it (a topic that
// carries several logs), or errNotZeekJSON.
func unwrapZeekJSON(text, log string) (bare, other string, err error) {
	if !strings.HasPrefix(text, "{") {
		return "", "", errNotZeekJSON
	}
	// A wrapper is an object with one key whose value is an object.
	dec := json.NewDecoder(strings.NewReader(text))
	if _, err := dec.Token(); err != nil {
		return text, "", nil // the parser says what is wrong
	}
	tok, err := dec.Token()
	key, isKey := tok.(string)
	if err != nil || !isKey {
		return text, "", nil
	}
	if key == "id" {
		return text, "", nil // Zeek's nested form of id.orig_h and the like
	}
	rest := strings.TrimLeft(text[dec.InputOffset():], " \t\r\n")
	if !strings.HasPrefix(rest, ":") || !strings.HasPrefix(strings.TrimLeft(rest[1:], " \t\r\n"), "{") {
		return text, "", nil
	}
	var inner json.RawMessage
	if err := dec.Decode(&inner); err != nil {
		return text, "", nil
	}
	if end, err := dec.Token(); err != nil || end != json.Delim('}') {
		return text, "", nil // more keys: a bare record with a nested field
	}
	if _, err := dec.Token(); err != io.EOF {
		return text, "", nil
	}
	if key == log {
		return string(inner), "", nil
	}
	return "", key, nil
}
