package dnslog

import (
	"embed"
	"errors"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// presetFiles are the shipped formats, one JSON file each, named after
// the preset.
//
//go:embed presets/*.json
var presetFiles embed.FS

// Presets lists the shipped formats' names, sorted.
func Presets() []string {
	entries, _ := fs.ReadDir(presetFiles, "presets")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(names)
	return names
}

// Preset returns a fresh copy of the shipped format name, validated; false
// when there is none of that name.
func Preset(name string) (*Format, bool, error) { return preset(name) }

func preset(name string) (*Format, bool, error) {
	if name == "" || strings.ContainsAny(name, "/\\.") {
		return nil, false, nil
	}
	data, err := presetFiles.ReadFile(path.Join("presets", name+".json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	f, err := Decode(data, "preset "+name)
	if err != nil {
		return nil, false, err
	}
	return f, true, nil
}

// Lookup resolves a --format value to a DNS log format: a preset's name
// ("bind"), "@PATH" (a format file), or a path to a format file (a value
// holding a path separator or ending in ".json"). It returns false for any
// other value (auto, zeek, csv… are other readers' formats), and true with
// the error for a format file that cannot be used.
func Lookup(spec string) (*Format, bool, error) {
	if file, ok := strings.CutPrefix(spec, "@"); ok {
		f, err := Load(file)
		return f, true, err
	}
	f, ok, err := preset(spec)
	if ok || err != nil {
		return f, ok, err
	}
	if strings.ContainsAny(spec, "/\\") || strings.HasSuffix(spec, ".json") {
		f, err := Load(spec)
		return f, true, err
	}
	return nil, false, nil
}
