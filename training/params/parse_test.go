package params

import (
	"errors"
	"strings"
	"testing"
)

// toy is a learner's Params in miniature.
type toy struct {
	Depth int
	Rate  float64
}

func (t toy) Validate() error {
	if t.Depth > 10 {
		return errors.New("toy: parameter max_depth = 11: want 1..10")
	}
	return nil
}

var toyKeys = []Key[toy]{
	{Names: []string{"max_depth"}, Set: Int(func(t *toy) *int { return &t.Depth })},
	{Names: []string{"eta", "learning_rate"}, Set: Float(func(t *toy) *float64 { return &t.Rate })},
}

func TestParse(t *testing.T) {
	p := toy{Depth: 6, Rate: 0.3}
	if err := Parse("toy", map[string]string{"max_depth": "4", "learning_rate": "0.1"}, &p, toyKeys); err != nil {
		t.Fatal(err)
	}
	if p != (toy{Depth: 4, Rate: 0.1}) {
		t.Fatalf("got %+v", p)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		kv   map[string]string
		want string
	}{
		{map[string]string{"max_depht": "3"}, `toy: unknown parameter "max_depht"`},
		{map[string]string{"eta": "0.1", "learning_rate": "0.2"}, `toy: parameters "eta" and "learning_rate" set the same thing`},
		{map[string]string{"max_depth": "x"}, `toy: parameter max_depth = "x": want an integer: strconv.Atoi`},
		{map[string]string{"max_depth": "11"}, "toy: parameter max_depth = 11: want 1..10"},
	} {
		p := toy{Depth: 6, Rate: 0.3}
		err := Parse("toy", tc.kv, &p, toyKeys)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%v) = %v, want an error containing %q", tc.kv, err, tc.want)
		}
		if p != (toy{Depth: 6, Rate: 0.3}) {
			t.Errorf("Parse(%v) changed p on error: %+v", tc.kv, p)
		}
	}
	// Every problem is reported, in key order, and Validate is not reached.
	p := toy{}
	err := Parse("toy", map[string]string{"zz": "1", "max_depth": "11", "aa": "1", "eta": "x"}, &p, toyKeys)
	want := `toy: unknown parameter "aa"` + "\n" +
		`toy: parameter eta = "x": want a number: strconv.ParseFloat: parsing "x": invalid syntax` + "\n" +
		`toy: unknown parameter "zz"`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
	if err := Parse[toy]("toy", nil, nil, toyKeys); err == nil || err.Error() != "toy: ParseParams: nil params" {
		t.Fatalf("nil params: %v", err)
	}
}
