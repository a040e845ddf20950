package soak

import (
	"strings"
	"testing"

	"github.com/mlctl/mlctl/serving"
)

func TestAlertsCompareSaysWhere(t *testing.T) {
	reg, file := newAlertSet(), newAlertSet()
	reg.add("name", "a")
	reg.add("name", "b")
	file.add("name", "a")
	file.add("name", "c")
	file.add("name", "c")
	a := Alerts{Metrics: map[string]uint64{"name": 3}, Heartbeat: 3, Delivery: map[string]serving.DeliveryCounts{
		serving.SinkRegistry: {Delivered: 2, InSpool: 1}, serving.SinkFile: {Delivered: 3}}}
	a.compare(reg, file)
	for _, want := range []string{
		"name: 3 counted, 2 in the registry, 3 in the file",
		"alert IDs: 1 repeated in the file, 1 only in the registry, 1 only in the file",
		"registry: 2 of 3 delivered, 0 dropped, 0 quarantined, 1 left in the spool",
	} {
		if !strings.Contains(a.Mismatch, want) {
			t.Errorf("mismatch %q lacks %q", a.Mismatch, want)
		}
	}
	if a.Exact || strings.Contains(a.Mismatch, "file: ") {
		t.Errorf("exact %v, mismatch %q", a.Exact, a.Mismatch)
	}
}
