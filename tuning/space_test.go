package tuning

import (
	"slices"
	"testing"
)

// A space written by Specs reads back the same: a float range with
// integral bounds stays a float range, and bounds closer than Format's 6
// digits stay apart.
func TestSpecsReadBack(t *testing.T) {
	specs := []string{
		"x=0.0..1", "y=0.001..1:log", "depth=3..10", "leaves=8..1024:log",
		"gamma=0..5.0", "big=1..1e21", "close=1.0000001..1.0000002", "booster=gbtree,dart", "objective=binary",
	}
	s, err := ParseSpace(specs)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseSpace(s.Specs())
	if err != nil {
		t.Fatalf("%v: %v", s.Specs(), err)
	}
	if !slices.EqualFunc(s.Params, back.Params, func(a, b Param) bool {
		return a.Name == b.Name && a.Lo == b.Lo && a.Hi == b.Hi && a.Int == b.Int && a.Log == b.Log && slices.Equal(a.Choices, b.Choices)
	}) {
		t.Errorf("%v read back as %v", s.Params, back.Params)
	}
	if x, _ := s.Lookup("x"); x.Int || x.String() != "x=0.0..1.0" {
		t.Errorf("x: %s (int %v), want the float range x=0.0..1.0", x, x.Int)
	}
	if d, _ := s.Lookup("depth"); d.String() != "depth=3..10" {
		t.Errorf("depth: %s", d)
	}
}
