package params

import (
	"errors"
	"strconv"
	"testing"
)

type fields struct {
	N    int
	Seed uint64
	F    float64
	B    bool
}

func TestSetters(t *testing.T) {
	for _, tc := range []struct {
		set     Setter[fields]
		v       string
		want    fields
		wantErr string
	}{
		{Int(func(f *fields) *int { return &f.N }), "-3", fields{N: -3}, ""},
		{Int(func(f *fields) *int { return &f.N }), " 3", fields{}, `want an integer: strconv.Atoi: parsing " 3": invalid syntax`},
		{Uint(func(f *fields) *uint64 { return &f.Seed }), "18446744073709551615", fields{Seed: 18446744073709551615}, ""},
		{Uint(func(f *fields) *uint64 { return &f.Seed }), "-1", fields{}, `want a non-negative integer: strconv.ParseUint: parsing "-1": invalid syntax`},
		{Float(func(f *fields) *float64 { return &f.F }), "1e-5", fields{F: 1e-5}, ""},
		{Float(func(f *fields) *float64 { return &f.F }), "fast", fields{}, `want a number: strconv.ParseFloat: parsing "fast": invalid syntax`},
		{Bool(func(f *fields) *bool { return &f.B }), "True", fields{B: true}, ""},
		{Bool(func(f *fields) *bool { return &f.B }), "yes", fields{}, "want true or false"},
		{Only[fields]("hist"), "hist", fields{}, ""},
		{Only[fields]("hist"), "exact", fields{}, `only "hist" is supported`},
		{Field(func(f *fields) *int { return &f.N }, func(string) (int, error) { return 0, errors.New("no") }), "1", fields{}, "no"},
	} {
		var got fields
		err := tc.set(&got, tc.v)
		if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || err.Error() != tc.wantErr) {
			t.Errorf("set(%q): error %v, want %q", tc.v, err, tc.wantErr)
		}
		if got != tc.want {
			t.Errorf("set(%q): %+v, want %+v", tc.v, got, tc.want)
		}
	}
	// The strconv error stays reachable.
	err := Int(func(f *fields) *int { return &f.N })(&fields{}, "x")
	if !errors.Is(err, strconv.ErrSyntax) {
		t.Errorf("Int error %v does not wrap strconv.ErrSyntax", err)
	}
}
