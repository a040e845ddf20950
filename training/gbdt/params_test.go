package gbdt

import (
	"strings"
	"testing"
)

func TestDefaultParamsAreXGBoosts(t *testing.T) {
	p := DefaultParams()
	want := Params{Rounds: 100, MaxDepth: 6, Eta: 0.3, Lambda: 1, MinChildWeight: 1, Subsample: 1,
		ColsampleByTree: 1, ScalePosWeight: 1, BaseScore: 0.5, MaxBin: 256}
	if p != want {
		t.Fatalf("DefaultParams() = %+v, want %+v", p, want)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestParseParams(t *testing.T) {
	p := DefaultParams()
	err := ParseParams(map[string]string{
		"num_round": "50", "max_depth": "4", "learning_rate": "0.05", "reg_lambda": "2", "alpha": "0.5",
		"min_split_loss": "0.1", "min_child_weight": "3", "subsample": "0.8", "colsample_bytree": "0.9",
		"scale_pos_weight": "4.5", "base_score": "0.2", "max_bin": "64", "seed": "7", "nthread": "2",
		"objective": "binary:logistic", "tree_method": "hist",
	}, &p)
	if err != nil {
		t.Fatal(err)
	}
	want := Params{Rounds: 50, MaxDepth: 4, Eta: 0.05, Lambda: 2, Alpha: 0.5, Gamma: 0.1, MinChildWeight: 3,
		Subsample: 0.8, ColsampleByTree: 0.9, ScalePosWeight: 4.5, BaseScore: 0.2, MaxBin: 64, Seed: 7, Threads: 2}
	if p != want {
		t.Fatalf("got %+v\nwant %+v", p, want)
	}
}

func TestParseParamsErrors(t *testing.T) {
	for _, tc := range []struct {
		kv   map[string]string
		want string
	}{
		{map[string]string{"max_depht": "3"}, `unknown parameter "max_depht"`},
		{map[string]string{"max_depth": "three"}, "parameter max_depth = \"three\": want an integer"},
		{map[string]string{"eta": "fast"}, "parameter eta = \"fast\": want a number"},
		{map[string]string{"seed": "-1"}, "parameter seed = \"-1\": want a non-negative integer"},
		{map[string]string{"eta": "0.1", "learning_rate": "0.2"}, `parameters "eta" and "learning_rate" set the same thing`},
		{map[string]string{"objective": "reg:squarederror"}, `parameter objective = "reg:squarederror": only "binary:logistic" is supported`},
		{map[string]string{"tree_method": "exact"}, `only "hist" is supported`},
		{map[string]string{"subsample": "0"}, "parameter subsample = 0: want a number in (0, 1]"},
		{map[string]string{"max_bin": "1024"}, "parameter max_bin = 1024: want 2..256"},
		{map[string]string{"max_depth": "0"}, "parameter max_depth = 0: want 1..16"},
		{map[string]string{"base_score": "1"}, "parameter base_score = 1: want a probability in (0, 1)"},
		{map[string]string{"eta": "NaN"}, "parameter eta = NaN: want a number > 0"},
	} {
		p := DefaultParams()
		err := ParseParams(tc.kv, &p)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseParams(%v) = %v, want an error containing %q", tc.kv, err, tc.want)
		}
		if p != DefaultParams() {
			t.Errorf("ParseParams(%v) changed p on error: %+v", tc.kv, p)
		}
	}
	// Every problem is reported, in key order.
	p := DefaultParams()
	err := ParseParams(map[string]string{"zz": "1", "aa": "1", "eta": "x"}, &p)
	if err == nil || !strings.Contains(err.Error(), `"aa"`) || !strings.Contains(err.Error(), `"zz"`) ||
		strings.Index(err.Error(), `"aa"`) > strings.Index(err.Error(), "eta") {
		t.Fatalf("err = %v, want aa, eta and zz in that order", err)
	}
}
