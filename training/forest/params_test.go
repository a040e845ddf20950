package forest

import (
	"strings"
	"testing"
)

func TestParseParams(t *testing.T) {
	p := DefaultParams()
	err := ParseParams(map[string]string{
		"n_estimators": "250", "max_features": "0.3", "max_depth": "None", "min_samples_leaf": "3",
		"min_samples_split": "8", "bootstrap": "False", "class_weight": "balanced", "max_bin": "1024",
		"random_state": "7", "n_jobs": "2", "criterion": "gini",
	}, &p)
	if err != nil {
		t.Fatal(err)
	}
	want := Params{Trees: 250, MaxFeatures: "0.3", MaxDepth: 0, MinSamplesLeaf: 3, MinSamplesSplit: 8,
		Bootstrap: false, ClassWeight: ClassWeightBalanced, MaxBin: 1024, Seed: 7, Threads: 2}
	if p != want {
		t.Fatalf("got %+v, want %+v", p, want)
	}
	for _, tc := range []struct {
		kv   map[string]string
		want Params
	}{
		{map[string]string{"max_features": "None"}, func() Params { q := DefaultParams(); q.MaxFeatures = "all"; return q }()},
		{map[string]string{"max_features": "log2", "max_depth": "12"}, func() Params {
			q := DefaultParams()
			q.MaxFeatures, q.MaxDepth = "log2", 12
			return q
		}()},
		{map[string]string{"trees": "3", "seed": "18446744073709551615", "class_weight": "None", "bootstrap": "true"}, func() Params {
			q := DefaultParams()
			q.Trees, q.Seed = 3, 18446744073709551615
			return q
		}()},
	} {
		q := DefaultParams()
		if err := ParseParams(tc.kv, &q); err != nil || q != tc.want {
			t.Errorf("%v: %+v, %v; want %+v", tc.kv, q, err, tc.want)
		}
	}
}

func TestParseParamsErrors(t *testing.T) {
	for _, tc := range []struct {
		kv   map[string]string
		want []string
	}{
		{map[string]string{"eta": "0.3"}, []string{`unknown parameter "eta"`}},
		{map[string]string{"n_estimators": "ten"}, []string{`n_estimators = "ten": want an integer`}},
		{map[string]string{"n_estimators": "0"}, []string{"n_estimators = 0: want 1..100000"}},
		{map[string]string{"max_features": "1.5"}, []string{`max_features = "1.5": want a fraction in (0, 1]`}},
		{map[string]string{"max_features": "0"}, []string{`max_features = "0"`}},
		{map[string]string{"max_features": "cube"}, []string{`max_features = "cube"`}},
		{map[string]string{"max_depth": "-1"}, []string{"max_depth = -1: want 0 (unlimited) or more"}},
		{map[string]string{"min_samples_leaf": "0.1"}, []string{`min_samples_leaf = "0.1": want an integer`}},
		{map[string]string{"min_samples_split": "1"}, []string{"min_samples_split = 1: want at least 2"}},
		{map[string]string{"bootstrap": "yes"}, []string{`bootstrap = "yes": want true or false`}},
		{map[string]string{"class_weight": "balanced_subsample"}, []string{`class_weight = "balanced_subsample"`}},
		{map[string]string{"max_bin": "70000"}, []string{"max_bin = 70000: want 2..65536"}},
		{map[string]string{"seed": "-1"}, []string{`seed = "-1": want a non-negative integer`}},
		{map[string]string{"criterion": "entropy"}, []string{`criterion = "entropy": only "gini"`}},
		{map[string]string{"seed": "1", "random_state": "2"}, []string{`parameters "random_state" and "seed" set the same thing`}},
		{map[string]string{"max_depth": "x", "eta": "1"}, []string{`unknown parameter "eta"`, `max_depth = "x"`}},
	} {
		p := DefaultParams()
		before := p
		err := ParseParams(tc.kv, &p)
		if err == nil {
			t.Errorf("%v: accepted", tc.kv)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: error %q does not mention %q", tc.kv, err, w)
			}
		}
		if p != before {
			t.Errorf("%v: params changed on error", tc.kv)
		}
	}
	if err := ParseParams(nil, nil); err == nil {
		t.Error("nil params accepted")
	}
}

func TestDefaultParamsValid(t *testing.T) {
	if err := DefaultParams().Validate(); err != nil {
		t.Fatal(err)
	}
}
