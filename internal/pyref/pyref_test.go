package pyref

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fakeTB records the first failure and stops the helper like Fatalf does.
type fakeTB struct{ failed string }

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
	panic(f)
}

// fails runs fn against a fakeTB and returns its failure message, "" when
// it did not fail.
func fails(fn func(TB)) (msg string) {
	f := &fakeTB{}
	defer func() {
		if r := recover(); r != nil && r != f {
			panic(r)
		}
		msg = f.failed
	}()
	fn(f)
	return ""
}

func TestRequire(t *testing.T) {
	Require(t, "json")
	msg := fails(func(tb TB) { Require(tb, "no_such_module_mlctl") })
	if !strings.Contains(msg, "cannot import no_such_module_mlctl") || !strings.Contains(msg, "`make pyref`") {
		t.Errorf("missing module: %q", msg)
	}
	msg = fails(func(tb TB) { Require(tb, "torch", "no_such_module_mlctl") })
	if !strings.Contains(msg, "`make torchref`") {
		t.Errorf("missing torch module: %q", msg)
	}
}

func TestRun(t *testing.T) {
	if out := Run(t, []byte("abc"), "-c", "import sys; print(sys.stdin.read().upper())"); string(out) != "ABC\n" {
		t.Errorf("stdout %q", out)
	}
	msg := fails(func(tb TB) { Run(tb, nil, "-c", "import sys; sys.exit('broken script')") })
	if !strings.Contains(msg, "exit status 1: broken script") {
		t.Errorf("failing script: %q", msg)
	}
}

func TestFloatFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "v.f32")
	v := []float32{1, -2.5, 3e-8}
	WriteFloat32s(t, path, v)
	if got := ReadFloat32s(t, path, len(v)); !slices.Equal(got, v) {
		t.Errorf("read %v, wrote %v", got, v)
	}
	out := Run(t, nil, "-c", "import sys, struct; sys.stdout.write(repr(struct.unpack('<3f', open(sys.argv[1], 'rb').read())))", path)
	if want := "(1.0, -2.5, 2.999999892949745e-08)"; string(out) != want {
		t.Errorf("python read %s, want %s", out, want)
	}
	msg := fails(func(tb TB) { ReadFloat32s(tb, path, 4) })
	if !strings.Contains(msg, "12 bytes, want 4 float32s") {
		t.Errorf("short file: %q", msg)
	}
	Run(t, nil, "-c", "import sys, struct; open(sys.argv[1], 'wb').write(struct.pack('<2d', 0.5, -1e300))", path)
	if got := ReadFloat64s(t, path, 2); !slices.Equal(got, []float64{0.5, -1e300}) {
		t.Errorf("float64s %v", got)
	}
}
