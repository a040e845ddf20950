package tuning

import (
	"math"
	"slices"
	"strings"
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

// TestReadSpaceLines: one k=spec a line, with blank lines, comments and
// spaces around; the space comes back sorted by name.
func TestReadSpaceLines(t *testing.T) {
	src := `# gbdt, around the defaults
max_depth=3..10

  eta = 0.02..0.4:log   
# fixed
booster=gbtree
colsample_bytree=0.4..1.0
`
	s, err := ReadSpace(strings.NewReader(src), "space.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"booster=gbtree", "colsample_bytree=0.4..1.0", "eta=0.02..0.4:log", "max_depth=3..10"}
	if !slices.Equal(s.Specs(), want) {
		t.Errorf("specs %v, want %v", s.Specs(), want)
	}
	if eta, ok := s.Lookup("eta"); !ok || !eta.Log || eta.Int || eta.Lo != 0.02 || eta.Hi != 0.4 {
		t.Errorf("eta: %+v %v", eta, ok)
	}
	if d, _ := s.Lookup("max_depth"); !d.Int || d.Lo != 3 || d.Hi != 10 {
		t.Errorf("max_depth: %+v", d)
	}
}

// TestReadSpaceJSON: a JSON object of name to spec reads as the lines do.
func TestReadSpaceJSON(t *testing.T) {
	src := ` {"max_depth": "3..10", "eta": "0.02..0.4:log", "booster": "gbtree"}`
	s, err := ReadSpace(strings.NewReader(src), "space.json")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"booster=gbtree", "eta=0.02..0.4:log", "max_depth=3..10"}; !slices.Equal(s.Specs(), want) {
		t.Errorf("specs %v, want %v", s.Specs(), want)
	}
}

// TestReadSpaceErrors name the file, and the line of a line-format file.
func TestReadSpaceErrors(t *testing.T) {
	for _, c := range []struct {
		file, src, says string
	}{
		{"s.txt", "# ok\nmax_depth=3..10\n\neta=0.4..0.02\n", "s.txt:4: eta=0.4..0.02: the low bound must be below the high one"},
		{"s.txt", "max_depth\n", `s.txt:1: "max_depth": want k=lo..hi`},
		{"s.txt", "x=1..2\ny=0..1:log\n", "s.txt:2: y=0..1:log: a :log range must be above 0"},
		{"s.txt", "x=1..2:sqrt\n", "s.txt:1: x=1..2:sqrt: the only scale is :log"},
		{"s.txt", "x=a,,b\n", "s.txt:1: x: an empty choice"},
		{"s.txt", "x=1..2\nx=3..4\n", "s.txt: x is given twice"},
		{"s.txt", "# nothing\n\n", "s.txt: no parameters"},
		{"s.txt", "", "s.txt: no parameters"},
		{"s.json", `{"eta": "0.4..0.02"}`, "s.json: eta=0.4..0.02: the low bound"},
		{"s.json", `{"max_depth": 3}`, "s.json: want a JSON object of parameter name to spec"},
		{"s.json", `{"eta": "0.1..0.2"`, "s.json: want a JSON object"},
		{"s.json", `{}`, "s.json: no parameters"},
		{"s.json", `{"eta": "0.1..0.2", "max_depth": "3..6", "eta": "0.2..0.3"}`, "s.json: eta is given twice"},
	} {
		s, err := ReadSpace(strings.NewReader(c.src), c.file)
		if err == nil || !strings.HasPrefix(err.Error(), c.says) {
			t.Errorf("%s %q: %v, %v; want an error starting %q", c.file, c.src, s.Specs(), err, c.says)
		}
	}
}

func TestSpaceMerge(t *testing.T) {
	a, err := ParseSpace([]string{"max_depth=3..10", "booster=gbtree"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseSpace([]string{"eta=0.02..0.4:log"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := a.Merge(b)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"booster=gbtree", "eta=0.02..0.4:log", "max_depth=3..10"}; !slices.Equal(m.Specs(), want) {
		t.Errorf("merged %v, want %v", m.Specs(), want)
	}
	if len(a.Params) != 2 || len(b.Params) != 1 {
		t.Errorf("Merge changed its inputs: %v %v", a.Specs(), b.Specs())
	}
	c, err := ParseSpace([]string{"max_depth=4"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Merge(c); err == nil || err.Error() != "max_depth is given twice" {
		t.Errorf("merging max_depth twice: %v", err)
	}
	if _, err := ParseSpace([]string{"x=1..2", "x=a,b"}); err == nil || err.Error() != "x is given twice" {
		t.Errorf("--param x twice: %v", err)
	}
}

func TestSpaceSearchedLookupWithout(t *testing.T) {
	fixed, err := ParseSpace([]string{"booster=gbtree", "max_depth=6"})
	if err != nil {
		t.Fatal(err)
	}
	if fixed.Searched() {
		t.Error("a space of fixed values is searched")
	}
	if (Space{}).Searched() {
		t.Error("the empty space is searched")
	}
	for _, spec := range []string{"eta=0.1..0.3", "booster=gbtree,dart"} {
		s, err := ParseSpace([]string{"max_depth=6", spec})
		if err != nil {
			t.Fatal(err)
		}
		if !s.Searched() {
			t.Errorf("%v is not searched", s.Specs())
		}
	}
	s, err := ParseSpace([]string{"eta=0.1..0.3", "max_depth=6", "booster=gbtree,dart"})
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := s.Lookup("max_depth"); !ok || !p.Fixed() || p.Choices[0] != "6" {
		t.Errorf("Lookup(max_depth) = %+v, %v", p, ok)
	}
	if p, ok := s.Lookup("gamma"); ok || p.Name != "" {
		t.Errorf("Lookup(gamma) = %+v, %v; want nothing", p, ok)
	}
	w := s.Without("eta")
	if want := []string{"booster=gbtree,dart", "max_depth=6"}; !slices.Equal(w.Specs(), want) {
		t.Errorf("Without(eta) = %v, want %v", w.Specs(), want)
	}
	if want := []string{"booster=gbtree,dart", "eta=0.1..0.3", "max_depth=6"}; !slices.Equal(s.Specs(), want) {
		t.Errorf("Without changed the space: %v, want %v", s.Specs(), want)
	}
	if !slices.Equal(s.Without("gamma").Specs(), s.Specs()) {
		t.Errorf("Without(gamma) = %v", s.Without("gamma").Specs())
	}
}

func TestSpaceParamFormat(t *testing.T) {
	f := Param{Name: "x", Lo: 0, Hi: 2}
	i := Param{Name: "n", Lo: 1, Hi: 10, Int: true}
	for _, c := range []struct {
		p    Param
		v    float64
		want string
	}{
		{f, 1, "1.0"}, {f, 0.123456789, "0.123457"}, {f, 1e-7, "1e-07"}, {f, 1e21, "1e+21"},
		{i, 3.4, "3"}, {i, 3.5, "4"}, {i, 10, "10"},
	} {
		if got := c.p.Format(c.v); got != c.want {
			t.Errorf("%s Format(%v) = %q, want %q", c.p, c.v, got, c.want)
		}
		if v, err := c.p.Value(c.p.Format(c.v)); err != nil || math.Abs(v-c.v) > 0.5 {
			t.Errorf("%s Value(%q) = %v, %v", c.p, c.p.Format(c.v), v, err)
		}
	}
}
