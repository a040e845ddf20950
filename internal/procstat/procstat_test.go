package procstat

import (
	"os"
	"runtime/debug"
	"testing"
)

// sink keeps the test's allocation alive until the peak is read.
var sink []byte

// TestPeakAndRSS: VmRSS, VmHWM and MemTotal parse to bytes, a 64 MiB allocation
// raises the peak by about as much, and ResetPeak brings the peak back to
// the current RSS once it is freed.
func TestPeakAndRSS(t *testing.T) {
	pid := os.Getpid()
	rss, err := Status(pid, "VmRSS")
	if err != nil || rss <= 0 {
		t.Fatalf("VmRSS = %d, %v", rss, err)
	}
	if err := ResetPeak(); err != nil {
		t.Fatal(err)
	}
	sink = make([]byte, 64<<20)
	for i := 0; i < len(sink); i += 4096 {
		sink[i] = 1
	}
	peak, err := Status(pid, "VmHWM")
	if err != nil {
		t.Fatal(err)
	}
	if peak < rss+60<<20 {
		t.Fatalf("VmHWM %d after touching 64 MiB, RSS before %d", peak, rss)
	}
	sink = nil
	debug.FreeOSMemory()
	if err := ResetPeak(); err != nil {
		t.Fatal(err)
	}
	if after, err := Status(pid, "VmHWM"); err != nil || after > peak-32<<20 {
		t.Fatalf("VmHWM %d after freeing 64 MiB and ResetPeak, was %d: %v", after, peak, err)
	}
	if mem, err := MemInfo("MemTotal"); err != nil || mem < 64<<20 {
		t.Fatalf("MemTotal = %d, %v", mem, err)
	}
	if _, err := Status(pid, "NoSuchField"); err == nil {
		t.Fatal("a missing field read without error")
	}
}
