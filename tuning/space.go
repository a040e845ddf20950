package tuning

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Param is one dimension of a search space: a numeric range (Lo..Hi,
// integers when Int, sampled on a log scale when Log) or a list of
// choices. A parameter with one choice is fixed: every trial gets it.
type Param struct {
	Name    string   `json:"name"`
	Lo      float64  `json:"lo,omitempty"`
	Hi      float64  `json:"hi,omitempty"`
	Int     bool     `json:"int,omitempty"`
	Log     bool     `json:"log,omitempty"`
	Choices []string `json:"choices,omitempty"`
}

// Space is a search space: its parameters, sorted by name.
type Space struct {
	Params []Param `json:"params"`
}

// Numeric says whether p is a range rather than a list of choices.
func (p Param) Numeric() bool { return p.Choices == nil }

// Fixed says whether p takes one value only.
func (p Param) Fixed() bool { return len(p.Choices) == 1 }

// String writes p as --param takes it, so that ParseParam reads back
// the same parameter.
func (p Param) String() string {
	if !p.Numeric() {
		return p.Name + "=" + strings.Join(p.Choices, ",")
	}
	s := p.Name + "=" + p.bound(p.Lo) + ".." + p.bound(p.Hi)
	if p.Log {
		s += ":log"
	}
	return s
}

// bound writes a bound of the numeric p in full: an integer for an
// integer range, else a float that ParseParam does not read as an integer
// (0.0, not 0) and that is not rounded (Format's 6 digits could merge or
// cross close bounds).
func (p Param) bound(v float64) string {
	if p.Int {
		return p.Format(v)
	}
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if _, err := strconv.ParseInt(s, 10, 64); err == nil {
		s += ".0"
	}
	return s
}

// Format writes a value of a numeric p: an integer, or a float rounded
// to 6 significant digits that always reads as a float ("1.0", not "1":
// some learners read an integer as a count and a float as a fraction,
// as scikit-learn does for max_features).
func (p Param) Format(v float64) string {
	if p.Int {
		return strconv.FormatInt(int64(math.Round(v)), 10)
	}
	s := strconv.FormatFloat(v, 'g', 6, 64)
	if !strings.ContainsAny(s, ".eEnN") {
		s += ".0"
	}
	return s
}

// Value reads a trial's value of a numeric p back as a number.
func (p Param) Value(s string) (float64, error) {
	return strconv.ParseFloat(s, 64)
}

// ParseParam reads one --param of a search: k=lo..hi (integers if both
// bounds are), k=lo..hi:log (sampled on a log scale; both bounds above
// 0), or k=a,b,c (one of the choices; k=v alone fixes k).
func ParseParam(s string) (Param, error) {
	name, spec, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return Param{}, fmt.Errorf("%q: want k=lo..hi, k=lo..hi:log or k=a,b,c", s)
	}
	spec = strings.TrimSpace(spec)
	lo, hi, isRange := strings.Cut(spec, "..")
	if !isRange {
		var choices []string
		for _, c := range strings.Split(spec, ",") {
			if c = strings.TrimSpace(c); c == "" {
				return Param{}, fmt.Errorf("%s: an empty choice in %q", name, spec)
			}
			if slices.Contains(choices, c) {
				return Param{}, fmt.Errorf("%s: %q is a choice twice", name, c)
			}
			choices = append(choices, c)
		}
		return Param{Name: name, Choices: choices}, nil
	}
	p := Param{Name: name}
	if h, scale, ok := strings.Cut(hi, ":"); ok {
		if scale != "log" {
			return Param{}, fmt.Errorf("%s=%s: the only scale is :log", name, spec)
		}
		hi, p.Log = h, true
	}
	lo, hi = strings.TrimSpace(lo), strings.TrimSpace(hi)
	var err1, err2 error
	if p.Lo, err1 = strconv.ParseFloat(lo, 64); err1 == nil {
		p.Hi, err2 = strconv.ParseFloat(hi, 64)
	}
	switch {
	case err1 != nil || err2 != nil || math.IsInf(p.Lo, 0) || math.IsInf(p.Hi, 0) || math.IsNaN(p.Lo) || math.IsNaN(p.Hi):
		return Param{}, fmt.Errorf("%s=%s: bounds must be finite numbers", name, spec)
	case !(p.Lo < p.Hi):
		return Param{}, fmt.Errorf("%s=%s: the low bound must be below the high one", name, spec)
	case p.Log && p.Lo <= 0:
		return Param{}, fmt.Errorf("%s=%s: a :log range must be above 0", name, spec)
	}
	_, e1 := strconv.ParseInt(lo, 10, 64)
	_, e2 := strconv.ParseInt(hi, 10, 64)
	p.Int = e1 == nil && e2 == nil
	return p, nil
}

// NewSpace builds a space from parameters, refusing a name given twice.
func NewSpace(params []Param) (Space, error) {
	ps := slices.Clone(params)
	slices.SortFunc(ps, func(a, b Param) int { return strings.Compare(a.Name, b.Name) })
	for i := 1; i < len(ps); i++ {
		if ps[i].Name == ps[i-1].Name {
			return Space{}, fmt.Errorf("%s is given twice", ps[i].Name)
		}
	}
	return Space{Params: ps}, nil
}

// ParseSpace reads --param values of a search into a space; errors name
// the parameter, the caller the flag.
func ParseSpace(specs []string) (Space, error) {
	var ps []Param
	for _, s := range specs {
		p, err := ParseParam(s)
		if err != nil {
			return Space{}, err
		}
		ps = append(ps, p)
	}
	return NewSpace(ps)
}

// ReadSpace reads a space file (file names it in errors): either a JSON
// object of name → spec ({"eta": "0.01..0.3:log", "max_depth": "3..10"}),
// or one k=spec a line, with blank lines and # comments.
func ReadSpace(r io.Reader, file string) (Space, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Space{}, fmt.Errorf("%s: %w", file, err)
	}
	var ps []Param
	if t := strings.TrimSpace(string(data)); strings.HasPrefix(t, "{") {
		var obj map[string]string
		if err := json.Unmarshal(data, &obj); err != nil {
			return Space{}, fmt.Errorf("%s: want a JSON object of parameter name to spec (\"eta\": \"0.01..0.3:log\"): %w", file, err)
		}
		if k := duplicateKey(data); k != "" {
			return Space{}, fmt.Errorf("%s: %s is given twice", file, k)
		}
		for k, v := range obj {
			p, err := ParseParam(k + "=" + v)
			if err != nil {
				return Space{}, fmt.Errorf("%s: %w", file, err)
			}
			ps = append(ps, p)
		}
	} else {
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		for line := 1; sc.Scan(); line++ {
			t := strings.TrimSpace(sc.Text())
			if t == "" || strings.HasPrefix(t, "#") {
				continue
			}
			p, err := ParseParam(t)
			if err != nil {
				return Space{}, fmt.Errorf("%s:%d: %w", file, line, err)
			}
			ps = append(ps, p)
		}
	}
	s, err := NewSpace(ps)
	if err != nil {
		return Space{}, fmt.Errorf("%s: %w", file, err)
	}
	if len(s.Params) == 0 {
		return Space{}, fmt.Errorf("%s: no parameters", file)
	}
	return s, nil
}

// duplicateKey is the first key a JSON object (which json.Unmarshal
// read) gives twice, or "" (json.Unmarshal keeps the last silently).
func duplicateKey(data []byte) string {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if _, err := dec.Token(); err != nil { // the object's {
		return ""
	}
	seen := map[string]bool{}
	for dec.More() {
		k, err := dec.Token()
		var v json.RawMessage
		if err != nil || dec.Decode(&v) != nil {
			return ""
		}
		if s, _ := k.(string); seen[s] {
			return s
		} else {
			seen[s] = true
		}
	}
	return ""
}

// Merge adds other's parameters to s; a parameter in both is an error.
func (s Space) Merge(other Space) (Space, error) {
	return NewSpace(append(slices.Clone(s.Params), other.Params...))
}

// Searched says whether any parameter takes more than one value.
func (s Space) Searched() bool {
	return slices.ContainsFunc(s.Params, func(p Param) bool { return !p.Fixed() })
}

// Lookup returns the parameter called name.
func (s Space) Lookup(name string) (Param, bool) {
	i := slices.IndexFunc(s.Params, func(p Param) bool { return p.Name == name })
	if i < 0 {
		return Param{}, false
	}
	return s.Params[i], true
}

// Without returns s without the parameter called name.
func (s Space) Without(name string) Space {
	return Space{Params: slices.DeleteFunc(slices.Clone(s.Params), func(p Param) bool { return p.Name == name })}
}

// Specs writes the space as --param values, in name order.
func (s Space) Specs() []string {
	out := make([]string, len(s.Params))
	for i, p := range s.Params {
		out[i] = p.String()
	}
	return out
}
