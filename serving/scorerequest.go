package serving

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// scoreRequest is POST /v1/score's body: exactly one of names (for a dga
// model), txt (TXT records, for a txt model) or flows (Zeek conn.log
// records, for a flow model).
type scoreRequest struct {
	Names []string          `json:"names"`
	TXT   []string          `json:"txt"`
	Flows []json.RawMessage `json:"flows"`
}

// what names the request's inputs and the model kind that scores them.
func (r *scoreRequest) what() (inputs, kind string) {
	switch {
	case r.TXT != nil:
		return "txt records", "txt"
	case r.Flows != nil:
		return "flows", "flow"
	}
	return "names", "dga"
}

// inputWhat names the inputs of each field of a score request.
var inputWhat = map[string]string{"names": "names", "txt": "TXT records", "flows": "flows"}

// tooManyInputs is the answer to a request with more than the most inputs
// a request may carry (API.MaxInputs).
type tooManyInputs struct {
	field string
	max   int
}

func (e *tooManyInputs) Error() string {
	return fmt.Sprintf("more than %d %s in one request (the scorer's --max-inputs); send smaller batches", e.max, e.field)
}

// badJSON is a body that is not a score request; its message says where.
type badJSON struct{ msg string }

func (e *badJSON) Error() string { return e.msg }

// readScoreRequest decodes a score request as its body is read, the inputs
// array element by element: a request holds its inputs once, never the
// body beside them. After max inputs in one array it reads the rest of the
// body without keeping it (so the client, still sending, reads the answer)
// and returns a *tooManyInputs. Errors reading r are returned as they are
// (*http.MaxBytesError, a timeout); a body that is not one JSON object of
// the known fields is a *badJSON.
func readScoreRequest(r io.Reader, max int) (*scoreRequest, error) {
	dec := json.NewDecoder(r)
	var req scoreRequest
	started := false
	token := func() (json.Token, error) {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonError(err, started)
		}
		started = true
		return tok, nil
	}
	tok, err := token()
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('{') {
		return nil, &badJSON{fmt.Sprintf("want a JSON object, got %s at byte %d", jsonKind(tok), dec.InputOffset())}
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string) // More and Token see that an object's key is a string
		// Fields match in any case, as encoding/json matches them; one
		// given twice is refused rather than silently replaced.
		switch {
		case strings.EqualFold(key, "names"):
			key = "names"
		case strings.EqualFold(key, "txt"):
			key = "txt"
		case strings.EqualFold(key, "flows"):
			key = "flows"
		default:
			return nil, &badJSON{fmt.Sprintf("unknown field %q", key)}
		}
		if seen[key] {
			return nil, &badJSON{fmt.Sprintf("field %q given twice", key)}
		}
		seen[key] = true
		switch key {
		case "names":
			req.Names, err = readArray[string](dec, key, max)
		case "txt":
			req.TXT, err = readArray[string](dec, key, max)
		case "flows":
			req.Flows, err = readArray[json.RawMessage](dec, key, max)
		}
		if err != nil {
			if _, ok := err.(*tooManyInputs); ok {
				io.Copy(io.Discard, dec.Buffered())
				io.Copy(io.Discard, r) // bounded by the body limit and the read timeout
			}
			return nil, err
		}
	}
	if _, err := token(); err != nil { // the closing brace
		return nil, err
	}
	switch _, err := dec.Token(); {
	case err == nil:
		return nil, &badJSON{"more than one value in the body"}
	case !errors.Is(err, io.EOF):
		return nil, jsonError(err, true)
	}
	return &req, nil
}

// readArray reads a JSON array of T (null: a nil slice) of at most max
// elements.
func readArray[T any](dec *json.Decoder, field string, max int) ([]T, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonError(err, true)
	}
	if tok == nil {
		return nil, nil
	}
	var zero T
	if tok != json.Delim('[') {
		return nil, &badJSON{fmt.Sprintf("field %q: want an array of %s, got JSON %s at byte %d", field, jsonType(zero), jsonKind(tok), dec.InputOffset())}
	}
	out := []T{}
	v := new(T) // one for every element: Decode takes it as an interface
	for dec.More() {
		if len(out) == max {
			return nil, &tooManyInputs{field: inputWhat[field], max: max}
		}
		*v = zero // a json.RawMessage would otherwise be decoded into the last one's bytes
		if err := dec.Decode(v); err != nil {
			var typ *json.UnmarshalTypeError
			if errors.As(err, &typ) {
				return nil, &badJSON{fmt.Sprintf("field %q: want an array of %s, got JSON %s at byte %d", field, jsonType(zero), typ.Value, typ.Offset)}
			}
			return nil, jsonError(err, true)
		}
		out = append(out, *v)
	}
	if _, err := dec.Token(); err != nil { // the closing bracket
		return nil, jsonError(err, true)
	}
	return out, nil
}

// jsonError says where a JSON document went wrong: syntax errors with their
// offset, the end of input as an empty body (before the first token) or
// an unexpected end. Other errors (reading the body) are returned as they
// are.
func jsonError(err error, started bool) error {
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		return &badJSON{fmt.Sprintf("%v at byte %d", syn, syn.Offset)}
	case errors.Is(err, io.EOF) && !started:
		return &badJSON{"empty body"}
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return &badJSON{"unexpected end of input"}
	}
	return err
}

// jsonKind names the JSON type of a token.
func jsonKind(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			return "array"
		}
		return "object"
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "bool"
	}
	return "null"
}

// jsonType names what an array of T holds.
func jsonType(v any) string {
	if _, ok := v.(json.RawMessage); ok {
		return "objects"
	}
	return "strings"
}
