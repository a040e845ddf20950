package datasets

import (
	"strings"
	"testing"
)

func TestMerge(t *testing.T) {
	a, err := ReadDGAFrom(strings.NewReader("domain,label,family\nb.com,1,zeta\nclash.com,1,x\na.com,1,alpha\nb.com,1,zeta\n"), "a.csv", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadDGAFrom(strings.NewReader("c.com\nb.com\nbad..com\nclash.com\n"), "b.txt", ReadOptions{Label: label(0)})
	if err != nil {
		t.Fatal(err)
	}
	c, err := ReadDGAFrom(strings.NewReader("domain,label,family\na.com,1,aardvark\n"), "c.csv", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rows, bad, dups := Merge(a, b, c)
	assertRows(t, rows, []Row{{Name: "a.com", Label: 1, Family: "aardvark"}, {Name: "c.com", Label: 0, Family: ""}})
	if dups != 2 {
		t.Errorf("dups %d; want 2 (b.com twice in a.csv, a.com in a.csv and c.csv)", dups)
	}
	var got []string
	for _, r := range bad {
		got = append(got, r.String())
	}
	want := []string{
		`b.txt:3: domain: empty label: "bad..com"`,
		`a.csv:2: label: conflicting labels across files: 0 at b.txt:2, 1 at a.csv:2: "b.com"`,
		`a.csv:3: label: conflicting labels across files: 0 at b.txt:4, 1 at a.csv:3: "clash.com"`,
		`b.txt:2: label: conflicting labels across files: 0 at b.txt:2, 1 at a.csv:2: "b.com"`,
		`b.txt:4: label: conflicting labels across files: 0 at b.txt:4, 1 at a.csv:3: "clash.com"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("bad:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The merged set does not depend on the order of the files.
	rows2, _, dups2 := Merge(c, b, a)
	if Hash(rows2) != Hash(rows) || dups2 != dups {
		t.Errorf("merge depends on file order: %v vs %v", rows2, rows)
	}
	if rows, bad, dups := Merge(); len(rows)+len(bad)+dups != 0 {
		t.Errorf("empty merge: %v %v %d", rows, bad, dups)
	}
}
