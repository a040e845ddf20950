package iforest

import (
	"strings"
	"testing"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestDefaultParams(t *testing.T) {
	p := DefaultParams()
	want := Params{Trees: 100, MaxSamples: Amount{Count: 256}, MaxFeatures: Amount{Fraction: 1},
		Contamination: 0.02, Threshold: -0.03, AnomalyPercentile: 5, MinValidFeatureRatio: 0.5}
	if p != want {
		t.Fatalf("DefaultParams() = %+v, want %+v", p, want)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	wantMap := map[string]string{"n_estimators": "100", "max_samples": "256", "max_features": "1.0",
		"bootstrap": "false", "contamination": "0.02", "seed": "0", "threshold": "-0.03",
		"anomaly_percentile": "5", "min_valid_feature_ratio": "0.5"}
	got := p.Map()
	if len(got) != len(wantMap) {
		t.Fatalf("Map() = %v, want %v", got, wantMap)
	}
	for k, v := range wantMap {
		if got[k] != v {
			t.Errorf("Map()[%q] = %q, want %q", k, got[k], v)
		}
	}
}

func TestParseParams(t *testing.T) {
	p := DefaultParams()
	err := ParseParams(map[string]string{
		"n_estimators": "250", "max_samples": "0.25", "max_features": "3", "bootstrap": "true",
		"contamination": "auto", "random_state": "7", "n_jobs": "2", "threshold": "-0.1",
		"anomaly_percentile": "2.5", "min_valid_feature_ratio": "0.8",
	}, &p)
	if err != nil {
		t.Fatal(err)
	}
	want := Params{Trees: 250, MaxSamples: Amount{Fraction: 0.25}, MaxFeatures: Amount{Count: 3}, Bootstrap: true,
		Contamination: 0, Seed: 7, Threads: 2, Threshold: -0.1, AnomalyPercentile: 2.5, MinValidFeatureRatio: 0.8}
	if p != want {
		t.Fatalf("got %+v\nwant %+v", p, want)
	}
	// Map round-trips through ParseParams (Threads aside).
	q := DefaultParams()
	if err := ParseParams(p.Map(), &q); err != nil {
		t.Fatal(err)
	}
	p.Threads = 0
	if q != p {
		t.Fatalf("Map round trip: %+v, want %+v", q, p)
	}
	// "auto" max_samples is 256; "1.0" max_features is every feature, "1" one.
	p = DefaultParams()
	if err := ParseParams(map[string]string{"max_samples": "auto", "max_features": "1"}, &p); err != nil {
		t.Fatal(err)
	}
	if p.MaxSamples != (Amount{Count: 256}) || p.MaxFeatures != (Amount{Count: 1}) {
		t.Fatalf("auto / 1: %+v %+v", p.MaxSamples, p.MaxFeatures)
	}
	for a, s := range map[Amount]string{{Count: 3}: "3", {Fraction: 1}: "1.0", {Fraction: 0.5}: "0.5", {Fraction: 1e-5}: "1e-05"} {
		if a.String() != s {
			t.Errorf("%+v.String() = %q, want %q", a, a.String(), s)
		}
		b, err := parseAmount(s)
		if err != nil || b != a {
			t.Errorf("parseAmount(%q) = %+v, %v, want %+v", s, b, err, a)
		}
	}
}

func TestParseParamsErrors(t *testing.T) {
	for _, tc := range []struct {
		kv   map[string]string
		want string
	}{
		{map[string]string{"n_estimator": "3"}, `unknown parameter "n_estimator"`},
		{map[string]string{"n_estimators": "many"}, `parameter n_estimators = "many": want an integer`},
		{map[string]string{"n_estimators": "0"}, "parameter n_estimators = 0: want 1..100000"},
		{map[string]string{"max_samples": "0"}, `parameter max_samples = "0": want a count > 0 or a fraction in (0, 1]`},
		{map[string]string{"max_samples": "1.5"}, `parameter max_samples = "1.5": a fraction must be in (0, 1]`},
		{map[string]string{"max_samples": "lots"}, `parameter max_samples = "lots": want an integer count or a fraction`},
		{map[string]string{"max_features": "-2"}, `parameter max_features = "-2"`},
		{map[string]string{"bootstrap": "yes"}, `parameter bootstrap = "yes": want true or false`},
		{map[string]string{"contamination": "0.6"}, `parameter contamination = 0.6: want a share in (0, 0.5] or "auto"`},
		{map[string]string{"contamination": "0"}, `parameter contamination = "0"`},
		{map[string]string{"seed": "-1"}, `parameter seed = "-1": want a non-negative integer`},
		{map[string]string{"seed": "1", "random_state": "2"}, `parameters "random_state" and "seed" set the same thing`},
		{map[string]string{"threshold": "0.1"}, "parameter threshold = 0.1: want a number in [-1, 0]"},
		{map[string]string{"threshold": "NaN"}, "parameter threshold = NaN"},
		{map[string]string{"anomaly_percentile": "101"}, "parameter anomaly_percentile = 101: want a percentile in [0, 100]"},
		{map[string]string{"min_valid_feature_ratio": "1.5"}, "parameter min_valid_feature_ratio = 1.5: want a ratio in [0, 1]"},
		{map[string]string{"n_jobs": "-1"}, "parameter n_jobs = -1: want 0 (all cores) or more"},
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
	err := ParseParams(map[string]string{"zz": "1", "aa": "1", "threshold": "x"}, &p)
	if err == nil || !strings.Contains(err.Error(), `"aa"`) || !strings.Contains(err.Error(), `"zz"`) ||
		strings.Index(err.Error(), `"aa"`) > strings.Index(err.Error(), "threshold") {
		t.Fatalf("err = %v, want aa, threshold and zz in that order", err)
	}
	if ParseParams(nil, nil) == nil {
		t.Fatal("nil params accepted")
	}
}
