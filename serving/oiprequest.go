package serving

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// inferRequest is the body of an Open Inference Protocol (KServe v2)
// inference request: {"id"?, "parameters"?, "inputs":[...], "outputs"?:[...]}.
type inferRequest struct {
	ID         string
	Parameters map[string]json.RawMessage
	Inputs     []inferInput
	// Outputs are the outputs asked for (none: every output).
	Outputs []inferOutput
}

// inferInput is one input tensor of an inference request. The scorer's
// inputs are BYTES tensors: Data holds the elements, flattened from
// nested arrays in row-major order as the protocol allows.
type inferInput struct {
	Name       string
	Shape      []int64
	Datatype   string
	Parameters map[string]json.RawMessage
	Data       []string
	hasData    bool
}

// inferOutput is one output an inference request asks for.
type inferOutput struct {
	Name       string                     `json:"name"`
	Parameters map[string]json.RawMessage `json:"parameters"`
}

// place names where in a request a value is, for its errors: a field of
// the request (input < 0) or of one of its inputs. It is a value, not a
// string, so that naming costs nothing until an error needs it.
type place struct {
	input int
	field string // `field "x"`, or "" for the input itself
}

func (p place) String() string {
	if p.input < 0 {
		return p.field
	}
	if p.field == "" {
		return fmt.Sprintf("inputs[%d]", p.input)
	}
	return fmt.Sprintf("inputs[%d]: %s", p.input, p.field)
}

// maxTensorDepth bounds how deeply tensor data may nest: the scorer's
// tensors have one or two dimensions; a deeper nest is refused rather
// than followed.
const maxTensorDepth = 4

// readInferRequest decodes an inference request as its body is read: the
// elements of each input's data one by one, at most max in all the
// inputs, so a request holds its inputs once, never the body beside them.
// Past max it reads the rest of the body without keeping it and returns a
// *tooManyInputs. Errors reading r are returned as they are; a body that
// is not one JSON object of the protocol's fields (names are
// case-sensitive, as the protocol has them) is a *badJSON. What the
// fields hold is checked against the model later (inferCheck).
func readInferRequest(r io.Reader, max int) (*inferRequest, error) {
	d := &inferDecoder{dec: json.NewDecoder(r), max: max}
	d.dec.DisallowUnknownFields() // in an output object; the rest is read key by key
	req, err := d.request()
	if err != nil {
		if _, ok := err.(*tooManyInputs); ok {
			io.Copy(io.Discard, d.dec.Buffered())
			io.Copy(io.Discard, r) // bounded by the body limit and the read timeout
		}
		return nil, err
	}
	return req, nil
}

// inferDecoder reads an inference request token by token.
type inferDecoder struct {
	dec      *json.Decoder
	max, n   int // the most elements, and those read so far
	started  bool
	inputIdx int
}

func (d *inferDecoder) token() (json.Token, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return nil, jsonError(err, d.started)
	}
	d.started = true
	return tok, nil
}

// object reads a JSON object whose keys field reads in turn; where names
// the object in errors. A key given twice is refused.
func (d *inferDecoder) object(where place, field func(key string) error) error {
	tok, err := d.token()
	if err != nil {
		return err
	}
	if tok != json.Delim('{') {
		return &badJSON{fmt.Sprintf("%s: want a JSON object, got %s at byte %d", where, jsonKind(tok), d.dec.InputOffset())}
	}
	var seen [8]string // the keys read: an object of the protocol has at most 5
	n := 0
	for d.dec.More() {
		tok, err := d.token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if slices.Contains(seen[:n], key) {
			return &badJSON{fmt.Sprintf("%s: field %q given twice", where, key)}
		}
		if n < len(seen) {
			seen[n] = key
			n++
		}
		if err := field(key); err != nil {
			return err
		}
	}
	_, err = d.token() // the closing brace
	return err
}

// array reads a JSON array (null: none) whose elements elem reads in turn.
func (d *inferDecoder) array(where place, elem func() error) error {
	tok, err := d.token()
	if err != nil || tok == nil {
		return err
	}
	if tok != json.Delim('[') {
		return &badJSON{fmt.Sprintf("%s: want an array, got JSON %s at byte %d", where, jsonKind(tok), d.dec.InputOffset())}
	}
	for d.dec.More() {
		if err := elem(); err != nil {
			return err
		}
	}
	_, err = d.token() // the closing bracket
	return err
}

// str reads a string. (Decode would do, but finds the end of a scalar
// by a syntax error it makes and drops: an allocation or three a field.)
func (d *inferDecoder) str(where place, v *string) error {
	tok, err := d.token()
	if err != nil {
		return err
	}
	s, ok := tok.(string)
	if !ok {
		return &badJSON{fmt.Sprintf("%s: want a string, got JSON %s at byte %d", where, jsonKind(tok), d.dec.InputOffset())}
	}
	*v = s
	return nil
}

// value decodes the next value, an array or object, into v.
func (d *inferDecoder) value(where place, v any) error {
	if err := d.dec.Decode(v); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			return &badJSON{fmt.Sprintf("%s: want %s, got JSON %s at byte %d", where, jsonWant(v), typ.Value, typ.Offset)}
		}
		if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return &badJSON{fmt.Sprintf("%s: unknown field %s (an output has name and parameters)", where, field)}
		}
		return jsonError(err, true)
	}
	return nil
}

// jsonWant names what value decodes.
func jsonWant(v any) string {
	switch v.(type) {
	case *[]int64:
		return "an array of integers"
	case *map[string]json.RawMessage:
		return "an object"
	}
	return "an array of objects"
}

func (d *inferDecoder) request() (*inferRequest, error) {
	req := &inferRequest{}
	err := d.object(place{-1, "request"}, func(key string) error {
		switch key {
		case "id":
			return d.str(place{-1, `field "id"`}, &req.ID)
		case "parameters":
			return d.value(place{-1, `field "parameters"`}, &req.Parameters)
		case "inputs":
			return d.array(place{-1, `field "inputs"`}, func() error {
				in, err := d.input()
				if err != nil {
					return err
				}
				req.Inputs = append(req.Inputs, in)
				return nil
			})
		case "outputs":
			return d.value(place{-1, `field "outputs"`}, &req.Outputs)
		}
		return &badJSON{fmt.Sprintf("unknown field %q (an inference request has id, parameters, inputs and outputs)", key)}
	})
	if err != nil {
		return nil, err
	}
	switch _, err := d.dec.Token(); {
	case err == nil:
		return nil, &badJSON{"more than one value in the body"}
	case !errors.Is(err, io.EOF):
		return nil, jsonError(err, true)
	}
	return req, nil
}

// input reads one input tensor.
func (d *inferDecoder) input() (inferInput, error) {
	var in inferInput
	where := place{input: d.inputIdx}
	d.inputIdx++
	err := d.object(where, func(key string) error {
		switch key {
		case "name":
			return d.str(place{where.input, `field "name"`}, &in.Name)
		case "shape":
			return d.value(place{where.input, `field "shape"`}, &in.Shape)
		case "datatype":
			return d.str(place{where.input, `field "datatype"`}, &in.Datatype)
		case "parameters":
			return d.value(place{where.input, `field "parameters"`}, &in.Parameters)
		case "data":
			in.hasData = true
			return d.data(place{where.input, `field "data"`}, &in.Data)
		}
		return &badJSON{fmt.Sprintf("%s: unknown field %q (an input has name, shape, datatype, parameters and data)", where, key)}
	})
	return in, err
}

// data reads a BYTES tensor's data: strings, in arrays nested at most
// maxTensorDepth deep, flattened into out.
func (d *inferDecoder) data(where place, out *[]string) error {
	tok, err := d.token()
	if err != nil {
		return err
	}
	if tok != json.Delim('[') {
		return &badJSON{fmt.Sprintf("%s: want an array of strings (BYTES elements), got JSON %s at byte %d", where, jsonKind(tok), d.dec.InputOffset())}
	}
	if *out == nil {
		*out = []string{}
	}
	return d.nested(where, out, 1)
}

// nested reads the rest of an array, depth deep, whose opening bracket
// was read: strings, or arrays of them, appended to out.
func (d *inferDecoder) nested(where place, out *[]string, depth int) error {
	for d.dec.More() {
		tok, err := d.token()
		if err != nil {
			return err
		}
		switch v := tok.(type) {
		case string:
			if d.n == d.max {
				return &tooManyInputs{field: "input elements", max: d.max}
			}
			d.n++
			*out = append(*out, v)
			continue
		case json.Delim:
			if v == '[' && depth == maxTensorDepth {
				return &badJSON{fmt.Sprintf("%s: arrays nested more than %d deep", where, maxTensorDepth)}
			}
			if v == '[' {
				if err := d.nested(where, out, depth+1); err != nil {
					return err
				}
				continue
			}
		}
		return &badJSON{fmt.Sprintf("%s: want strings (BYTES elements), got JSON %s at byte %d", where, jsonKind(tok), d.dec.InputOffset())}
	}
	_, err := d.token()
	return err
}
