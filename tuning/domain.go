package tuning

import "math"

// domain is the scale a numeric parameter is searched on: values are
// mapped to an internal scale (their log for a :log range) where random
// draws are uniform and Parzen estimators are mixtures of Gaussians
// truncated to [lo, hi]. An integer range is widened by half a unit at
// each end (before the log), so every integer has the same share of a
// uniform draw, as Optuna's IntDistribution.
type domain struct {
	lo, hi float64
	p      Param
	// vlo and vhi bound values in the external scale: p's bounds, rounded
	// inwards to integers for an integer range.
	vlo, vhi float64
}

// newDomain returns the domain of the numeric p.
func newDomain(p Param) domain {
	d := domain{p: p, lo: p.Lo, hi: p.Hi, vlo: p.Lo, vhi: p.Hi}
	if p.Int {
		d.lo, d.hi = p.Lo-0.5, p.Hi+0.5
		d.vlo, d.vhi = math.Ceil(p.Lo), math.Floor(p.Hi)
	}
	if p.Log {
		d.lo, d.hi = math.Log(d.lo), math.Log(d.hi)
	}
	return d
}

// internal maps a value of the parameter to the internal scale.
func (d domain) internal(v float64) float64 {
	if d.p.Log {
		return math.Log(v)
	}
	return v
}

// external maps x of the internal scale to a value of the parameter:
// rounded for an integer range, within its bounds.
func (d domain) external(x float64) float64 {
	v := x
	if d.p.Log {
		v = math.Exp(x)
	}
	if d.p.Int {
		v = math.Round(v)
	}
	return min(max(v, d.vlo), d.vhi)
}

// discrete says whether the parameter's values are integers on a linear
// scale: its estimators then give the mass of each integer's unit-wide
// bin rather than a density, as Optuna's for a stepped distribution.
func (d domain) discrete() bool {
	return d.p.Int && !d.p.Log
}
