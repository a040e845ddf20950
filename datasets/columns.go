package datasets

import "fmt"

// noLabelReason is the FormatError reason for input that has neither a
// label column nor a label in ReadOptions.
const noLabelReason = "no label column and no label given: pass --label 0 (benign) or --label 1 (malicious)"

// columns are the positions of the input (domain), label and family columns in a
// header (CSV/TSV header line or Zeek #fields line), with the defaults for
// the columns a file lacks.
type columns struct {
	domain int
	// label and family are column indices, -1 when the file has none.
	label, family int
	defaultLabel  *int
	defaultFamily string
}

// findColumns finds the columns opt asks for in the lower-case header cols.
func findColumns(file string, cols []string, opt ReadOptions) (columns, error) {
	k := columns{defaultFamily: normaliseFamily(opt.Family)}
	missing := func(what, want string) error {
		return &FormatError{File: file, Reason: fmt.Sprintf("no %s column in header (want %s; header has %s)", what, want, quoteList(cols))}
	}
	in := opt.input()
	if opt.Column != "" {
		if k.domain = index(cols, opt.Column); k.domain < 0 {
			return k, missing(in.Field, fmt.Sprintf("%q", opt.Column))
		}
	} else {
		k.domain = -1
		for _, h := range in.Headers {
			if k.domain = index(cols, h); k.domain >= 0 {
				break
			}
		}
		if k.domain < 0 {
			return k, missing(in.Field, quoteList(in.Headers)+" or pass --"+in.Field+"-column")
		}
	}
	k.label = index(cols, or(opt.LabelColumn, "label"))
	switch {
	case k.label < 0 && opt.LabelColumn != "":
		return k, missing("label", fmt.Sprintf("%q", opt.LabelColumn))
	case k.label < 0 && opt.Label == nil:
		return k, &FormatError{File: file, Reason: fmt.Sprintf("no label column (header has %s) and no label given: pass --label 0 (benign) or --label 1 (malicious), or --label-column", quoteList(cols))}
	case k.label < 0:
		l := *opt.Label
		k.defaultLabel = &l
	}
	k.family = index(cols, or(opt.FamilyColumn, "family"))
	if k.family < 0 && opt.FamilyColumn != "" {
		return k, missing("family", fmt.Sprintf("%q", opt.FamilyColumn))
	}
	return k, nil
}

// labelFamily reads the label and family of the split line f found on line
// n. It records a bad row and returns false when the label cell is empty.
func (k *columns) labelFamily(c *collector, f []string, n int) (label int, family string, ok bool) {
	if k.defaultLabel != nil {
		label = *k.defaultLabel
	} else if label, ok = ParseLabel(f[k.label]); !ok {
		c.bad(n, "label", "empty", "")
		return 0, "", false
	}
	family = k.defaultFamily
	if k.family >= 0 {
		if fam := normaliseFamily(f[k.family]); fam != "" {
			family = fam
		}
	}
	return label, family, true
}
