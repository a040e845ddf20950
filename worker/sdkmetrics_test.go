package worker

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestSDKMetricsLabelSetsPerName: one SDK metric name with different tag
// sets (and tags overridden by WithTags) gathers as one family without
// error; counters are _total, timers _seconds histograms, gauges keep
// their name; a tag name that is not a Prometheus label name is fixed.
func TestSDKMetricsLabelSetsPerName(t *testing.T) {
	reg := prometheus.NewRegistry()
	h, err := NewSDKMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	h.Counter("temporal_request").Inc(1)
	q := h.WithTags(map[string]string{"namespace": "default", "task-queue": "a"})
	q.Counter("temporal_request").Inc(2)
	q.WithTags(map[string]string{"task-queue": "b", "operation": "Poll"}).Counter("temporal_request").Inc(3)
	q.Counter("temporal_request").Inc(-5) // ignored: counters only go up
	q.Gauge("temporal_num_pollers").Update(4)
	h.Counter("temporal_local_activity_total").Inc(1)
	q.Timer("temporal_activity_execution_latency").Record(1500 * time.Millisecond)

	want := `
# HELP temporal_request_total Temporal SDK counter temporal_request_total.
# TYPE temporal_request_total counter
temporal_request_total 1
temporal_request_total{namespace="default",task_queue="a"} 2
temporal_request_total{namespace="default",operation="Poll",task_queue="b"} 3
# HELP temporal_num_pollers Temporal SDK gauge temporal_num_pollers.
# TYPE temporal_num_pollers gauge
temporal_num_pollers{namespace="default",task_queue="a"} 4
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "temporal_request_total", "temporal_num_pollers"); err != nil {
		t.Fatal(err)
	}
	if n, err := testutil.GatherAndCount(reg, "temporal_local_activity_total"); err != nil || n != 1 {
		t.Fatalf("temporal_local_activity_total: %d series, %v", n, err)
	}
	n, err := testutil.GatherAndCount(reg, "temporal_activity_execution_latency_seconds")
	if err != nil || n != 1 {
		t.Fatalf("latency histogram: %d series, %v", n, err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "temporal_activity_execution_latency_seconds" {
			if s := mf.GetMetric()[0].GetHistogram().GetSampleSum(); s != 1.5 {
				t.Fatalf("latency sum %v s, want 1.5", s)
			}
		}
	}
}
