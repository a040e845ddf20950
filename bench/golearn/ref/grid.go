package main

import (
	"fmt"
	"math"

	"github.com/sjwhitworth/golearn/base"
)

// missingValue stands for a missing (NaN) feature value, as on the
// scikit-learn side of the benchmarks: below every real value. golearn's
// ID3 sorts values with <, which NaN would leave unsorted.
const missingValue = -3e38

// grid is x (rows × cols float32s, row-major) as golearn's DenseInstances:
// one FloatAttribute per column (f0, f1, ...) and class as the class
// attribute, set from classes (one string a row). It returns the number of
// missing values it replaced.
func grid(x []float32, rows, cols int, class base.Attribute, classes []string) (*base.DenseInstances, int, error) {
	if rows < 1 || cols < 1 || len(x) != rows*cols {
		return nil, 0, fmt.Errorf("grid: %d values for %d rows × %d columns", len(x), rows, cols)
	}
	if len(classes) != rows {
		return nil, 0, fmt.Errorf("grid: %d classes for %d rows", len(classes), rows)
	}
	inst := base.NewDenseInstances()
	specs := make([]base.AttributeSpec, cols)
	for j := range specs {
		specs[j] = inst.AddAttribute(base.NewFloatAttribute(fmt.Sprintf("f%d", j)))
	}
	classSpec := inst.AddAttribute(class)
	if err := inst.AddClassAttribute(class); err != nil {
		return nil, 0, fmt.Errorf("grid: %w", err)
	}
	if err := inst.Extend(rows); err != nil {
		return nil, 0, fmt.Errorf("grid: %w", err)
	}
	missing := 0
	for i := range rows {
		for j, spec := range specs {
			v := float64(x[i*cols+j])
			if math.IsNaN(v) {
				v = missingValue
				missing++
			}
			inst.Set(spec, i, base.PackFloatToBytes(v))
		}
		inst.Set(classSpec, i, class.GetSysValFromString(classes[i]))
	}
	return inst, missing, nil
}

// labelClass is the class attribute of the random forest: categorical,
// "0" (benign) and "1" (malicious), in that order.
func labelClass() *base.CategoricalAttribute {
	a := base.NewCategoricalAttribute()
	a.SetName("class")
	a.GetSysValFromString("0")
	a.GetSysValFromString("1")
	return a
}

// labelStrings are the labels (0 or 1) as the class values of labelClass.
func labelStrings(y []float32) ([]string, error) {
	out := make([]string, len(y))
	for i, v := range y {
		switch v {
		case 0:
			out[i] = "0"
		case 1:
			out[i] = "1"
		default:
			return nil, fmt.Errorf("label of row %d is %v, want 0 or 1", i, v)
		}
	}
	return out, nil
}

// constantClasses is n rows of class "0". golearn's IsolationForest wants
// a float class attribute and treats it as one more feature, so every row,
// fitted or scored, gets the same value and the labels never reach it.
func constantClasses(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "0"
	}
	return out
}
