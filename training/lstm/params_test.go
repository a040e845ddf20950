package lstm

import (
	"strings"
	"testing"
)

func TestDefaultParamsAreTheNotebooks(t *testing.T) {
	p := DefaultParams()
	if p.Vocab != 10002 || p.Embed != 64 || p.Hidden != 64 || p.Dropout != 0.5 {
		t.Errorf("defaults %+v, want the TXT notebook's vocabulary 10002, embedding 64, hidden 64, dropout 0.5", p)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestParseParamsRoundTrip(t *testing.T) {
	p := DefaultParams()
	p.Seed, p.LearningRate, p.Patience = 1<<63+5, 0.003, 0
	var q Params
	q = DefaultParams()
	if err := ParseParams(p.Map(), &q); err != nil {
		t.Fatal(err)
	}
	if q != p {
		t.Errorf("Map then ParseParams gave %+v, want %+v", q, p)
	}
}

func TestParseParamsRefuses(t *testing.T) {
	for _, kv := range []map[string]string{
		{"hidden": "0"},
		{"dropout": "1"},
		{"lr": "-1"},
		{"vocab": "2"},
		{"batch_size": "x"},
		{"nope": "1"},
		{"lr": "0.1", "learning_rate": "0.2"},
	} {
		p := DefaultParams()
		err := ParseParams(kv, &p)
		if err == nil {
			t.Errorf("%v: no error", kv)
			continue
		}
		if !strings.Contains(err.Error(), "lstm") {
			t.Errorf("%v: error %q does not name the learner", kv, err)
		}
		if p != DefaultParams() {
			t.Errorf("%v: params changed on error", kv)
		}
	}
}
