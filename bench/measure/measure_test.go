package measure

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/training/matrix"
)

func TestAUC(t *testing.T) {
	y := []float32{0, 0, 1, 1}
	for _, tc := range []struct {
		s    []float64
		want float64
	}{
		{[]float64{0.1, 0.2, 0.8, 0.9}, 1},
		{[]float64{0.9, 0.8, 0.2, 0.1}, 0},
		{[]float64{0.5, 0.5, 0.5, 0.5}, 0.5},
		{[]float64{0.1, 0.6, 0.5, 0.9}, 0.75},
	} {
		if got := AUC(tc.s, y); got != tc.want {
			t.Errorf("AUC(%v) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

func TestCheck(t *testing.T) {
	x := matrix.New(4, 2)
	y := make([]float32, 4)
	for _, tc := range []struct {
		y       []float32
		threads []int
		want    string
	}{
		{y, []int{1, 2}, ""},
		{y[:3], []int{1}, "xbench: 3 labels for 4 rows"},
		{y, nil, "xbench: no thread counts"},
		{y, []int{2, 0}, "xbench: thread count 0, want at least 1"},
	} {
		err := Check("xbench", x, tc.y, tc.threads)
		if got := ""; err != nil {
			got = err.Error()
			if got != tc.want {
				t.Errorf("Check(%d labels, %v) = %q, want %q", len(tc.y), tc.threads, got, tc.want)
			}
		} else if tc.want != "" {
			t.Errorf("Check(%d labels, %v) accepted, want %q", len(tc.y), tc.threads, tc.want)
		}
	}
	x.Values = x.Values[:5]
	if err := Check("xbench", x, y, []int{1}); err == nil || !strings.HasPrefix(err.Error(), "xbench: matrix has 5 values") {
		t.Errorf("short matrix: %v", err)
	}
}

func TestHoldout(t *testing.T) {
	x := matrix.New(10, 1)
	y := make([]float32, 10)
	for i := range 10 {
		x.Values[i], y[i] = float32(i), float32(i%2)
	}
	s, err := Holdout("xbench", x, y, 7)
	if err != nil {
		t.Fatal(err)
	}
	if s.Train.Rows != 8 || len(s.TrainLabels) != 8 || s.Test.Rows != 2 || len(s.TestLabels) != 2 {
		t.Fatalf("split %d + %d rows", s.Train.Rows, s.Test.Rows)
	}
	all := append(slices.Clone(s.Train.Values), s.Test.Values...)
	labels := append(slices.Clone(s.TrainLabels), s.TestLabels...)
	for i, v := range all {
		if labels[i] != float32(int(v)%2) {
			t.Fatalf("row %v has label %v", v, labels[i])
		}
	}
	slices.Sort(all)
	for i, v := range all {
		if v != float32(i) {
			t.Fatalf("rows %v: not a permutation", all)
		}
	}
	if again, _ := Holdout("xbench", x, y, 7); !slices.Equal(s.Train.Values, again.Train.Values) {
		t.Error("the same seed gave another split")
	}
	if _, err := Holdout("xbench", matrix.New(2, 1), y[:2], 7); err == nil || err.Error() != "xbench: 2 rows are too few to hold out 20%" {
		t.Errorf("2 rows: %v", err)
	}
}

func TestSides(t *testing.T) {
	i := 0
	s, err := Alternate(func() (float64, error) { i++; return float64(i), nil }, func() (float64, error) { i++; return float64(10 * i), nil })
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Mine, []float64{1, 3, 5}) || !slices.Equal(s.Theirs, []float64{20, 40, 60}) {
		t.Fatalf("alternation %+v", s)
	}
	if m, th := s.Medians(); m != 3 || th != 40 || s.Ratio() != 3.0/40 {
		t.Errorf("medians %v %v ratio %v", m, th, s.Ratio())
	}
	if m, th := s.Rates(120); m != 40 || th != 3 {
		t.Errorf("rates %v %v", m, th)
	}
	if sum := s.Plus(s); !slices.Equal(sum.Mine, []float64{2, 6, 10}) || !slices.Equal(sum.Theirs, []float64{40, 80, 120}) {
		t.Errorf("plus %+v", sum)
	}
	runs, err := Each([]int{1, 2}, func(th int) (int, error) { return 10 * th, nil })
	if err != nil || !slices.Equal(runs, []int{10, 20}) {
		t.Errorf("Each: %v %v", runs, err)
	}
	boom := errors.New("boom")
	if _, err := Alternate(func() (float64, error) { return 1, nil }, func() (float64, error) { return 0, boom }); err != boom {
		t.Errorf("error %v", err)
	}
}
