package cli

import (
	"fmt"
	"os"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl/serving"
)

func serveTokenCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "token",
		Usage:     "make a bearer token for the scorer's HTTP API: prints it once, and the line for the --http-tokens file (which stores only its SHA-256)",
		ArgsUsage: "NAME",
		Flags: []ucli.Flag{
			&ucli.StringSliceFlag{Name: "scope", Usage: "what the token may reach: score, metrics, health or all (repeat or separate with commas; default all)"},
			&ucli.StringFlag{Name: "file", Usage: "append the line to this token file (created, mode 0600, when missing); send the scorer SIGHUP after"},
			&ucli.BoolFlag{Name: "json", Usage: `print {"name","token","sha256","scopes","line","file"}`},
		},
		Action: serveToken,
	}
}

// tokenOut is what `serve token --json` prints.
type tokenOut struct {
	Name   string `json:"name"`
	Token  string `json:"token"`
	SHA256 string `json:"sha256"`
	Scopes string `json:"scopes"`
	Line   string `json:"line"`
	File   string `json:"file,omitempty"`
}

func serveToken(c *ucli.Context) error {
	if c.NArg() != 1 {
		return usagef("serve token: want one NAME (e.g. `mlctl serve token prometheus --scope metrics`)")
	}
	name := c.Args().First()
	if err := serving.ValidTokenName(name); err != nil {
		return usagef("serve token: %v", err)
	}
	scopes := serving.ScopeAll
	if ss := c.StringSlice("scope"); len(ss) > 0 {
		var err error
		if scopes, err = serving.ParseScopes(strings.Join(ss, ",")); err != nil {
			return usagef("serve token: --scope: %v", err)
		}
	}
	token, err := serving.NewToken()
	if err != nil {
		return err
	}
	line := serving.TokenLine(name, token, scopes)
	out := tokenOut{Name: name, Token: token, Scopes: scopes.String(), Line: line, File: c.String("file")}
	out.SHA256 = strings.Fields(line)[1][len("sha256:"):]
	if out.File != "" {
		if err := appendTokenLine(out.File, name, line); err != nil {
			return err
		}
	}
	if c.Bool("json") {
		return printJSON(c.App.Writer, out)
	}
	fmt.Fprintln(c.App.Writer, token)
	if out.File != "" {
		fmt.Fprintf(c.App.ErrWriter, "appended token %s to %s; send the scorer SIGHUP to take it. The token above is shown only this once.\n", name, out.File)
	} else {
		fmt.Fprintf(c.App.ErrWriter, "add this line to the scorer's --http-tokens file, then send it SIGHUP (the token above is shown only this once):\n%s\n", line)
	}
	return nil
}

// appendTokenLine appends line to the token file at path, refusing a
// name the file holds already (or a file that does not parse, which the
// scorer would refuse too).
func appendTokenLine(path, name, line string) error {
	sep := ""
	if b, err := os.ReadFile(path); err == nil {
		if len(b) > 0 && b[len(b)-1] != '\n' {
			sep = "\n" // a last line without its newline stays a line of its own
		}
		t, err := serving.LoadTokens(path)
		if err != nil {
			return usagef("serve token: --file: %v", err)
		}
		if t.Has(name) {
			return usagef("serve token: %s holds a token named %s already: remove its line first, or pick another name", path, name)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("serve token: %w", err)
	}
	if _, err := f.WriteString(sep + line + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("serve token: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("serve token: write %s: %w", path, err)
	}
	return nil
}
