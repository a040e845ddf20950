package flowsbench

import (
	"fmt"
	"path/filepath"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/flow"
)

// Capture is one Stratosphere capture of ../shared/data/flows.
type Capture struct {
	// Name is the capture's short name ("002"), File its conn log under
	// the data directory.
	Name, File string
	// About says what the capture holds and where its labels come from.
	About string
	// Scan is true for the port-scan and mixed captures the target is
	// about: they are held out in turn and train the models of the other
	// folds. The others are only scored, by a model trained on every scan
	// capture.
	Scan bool
	// relabel, when set, replaces the windows' labels (the capture has
	// none of its own).
	relabel func(recs []datasets.ConnRecord, units []flow.Unit)
}

// Captures are the captures the benchmark reads, the scan captures first.
func Captures() []Capture {
	return []Capture{
		{Name: "002", File: "flows/stratosphere-002-zeek-scenario-port-scanning/conn.log", Scan: true, relabel: labelScanner,
			About: "Nmap scans by 172.16.1.11 of three networks; unlabeled, labeled here by ScanRule; one benign window (DNS only), so its FPR is 0% or 100%"},
		{Name: "008", File: "flows/stratosphere-008-zeek-mixed/data/conn.log.labeled", Scan: true,
			About: "a workstation's day (Benign) and the Internet's scans of it (Malicious External-Attack-to-Device)"},
		{Name: "010", File: "flows/stratosphere-010-zeek-mixed/data/conn.log.labeled", Scan: true,
			About: "another workstation's day (Benign) and the Internet's scans of it (Malicious External-Attack-to-Device)"},
		{Name: "001", File: "flows/stratosphere-001-zeek-scenario-malicious/labeled-conn.log",
			About: "NjRAT C&C (Malicious CC), not scanning: no benign windows, so only recall at the deployed threshold"},
	}
}

// Windows are one capture's labeled units.
type Windows struct {
	Capture Capture
	// Flows counts the connections read, Bad the lines that were not.
	Flows, Bad int
	// Units are the windows labeled 0 or 1; Unknown counts those left out
	// (label -1: Stratosphere's Background, or unknown under ScanRule).
	Units   []flow.Unit
	Unknown int
}

// Load reads c's conn log under dataDir and builds its units with set.
func Load(dataDir string, c Capture, set *flow.WindowSet) (Windows, error) {
	path := filepath.Join(dataDir, c.File)
	recs, bad, err := datasets.ReadFlows(path, "auto")
	if err != nil {
		return Windows{}, fmt.Errorf("flowsbench: capture %s: %w", c.Name, err)
	}
	if len(bad) > 0 {
		return Windows{}, fmt.Errorf("flowsbench: capture %s: %d bad lines in %s, first: %s", c.Name, len(bad), path, bad[0])
	}
	units, err := flow.Windows(recs, flow.WindowsConfig{Set: set})
	if err != nil {
		return Windows{}, fmt.Errorf("flowsbench: capture %s: %w", c.Name, err)
	}
	if c.relabel != nil {
		c.relabel(recs, units)
	}
	w := Windows{Capture: c, Flows: len(recs)}
	for _, u := range units {
		if u.Label < 0 {
			w.Unknown++
			continue
		}
		w.Units = append(w.Units, u)
	}
	return w, nil
}

// Malicious counts the units labeled 1.
func (w Windows) Malicious() int {
	n := 0
	for _, u := range w.Units {
		n += u.Label
	}
	return n
}
