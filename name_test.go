package mlctl

import (
	"strings"
	"testing"
)

func TestValidateName(t *testing.T) {
	good := []string{"m", "dga", "demo-flows-rf", "golden-dga-gbdt-nogen", "flows2", "production", "prod_2", "v1.2", "A", strings.Repeat("a", 63)}
	for _, n := range good {
		if err := ValidateName("model", n); err != nil {
			t.Errorf("ValidateName(%q): %v", n, err)
		}
	}
	bad := []string{"", "m@1", "../../etc/m", "a/b", ".hidden", "-x", "1abc", "_x", "two words", "line\nbreak", "\x1b[31mred", "tab\t", "ü", strings.Repeat("a", 64)}
	for _, n := range bad {
		err := ValidateName("dataset", n)
		if ErrorCode(err) != EINVALID {
			t.Errorf("ValidateName(%q) = %v; want an EINVALID error", n, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), "dataset name ") || !strings.Contains(err.Error(), NameRule) {
			t.Errorf("ValidateName(%q) = %q; want the kind and the rule", n, err)
		}
		if strings.ContainsAny(err.Error(), "\n\x1b") {
			t.Errorf("ValidateName(%q) = %q quotes a control character raw", n, err)
		}
	}
}
