package servingbench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/internal/netfault"
	"github.com/mlctl/mlctl/internal/pyref"
)

// PeerWorkers is the peer's uvicorn worker processes: one per core, as its
// users would run it on this machine.
const PeerWorkers = 2

// peer is the scorer users build today (bench/serving/peer/fastapi_scorer.py:
// FastAPI + uvicorn serving XGBoost on heiDGAF's 44 features), trained on
// the same rows as mlctl's model and answering the same POST /v1/score.
type peer struct {
	addr string
	cmd  *exec.Cmd
}

// startPeer trains the peer's model on rows (not timed) and starts it on a
// free loopback port; it waits until /healthz answers.
func startPeer(ctx context.Context, dir string, rows []datasets.Row) (*peer, error) {
	script, err := peerScript()
	if err != nil {
		return nil, err
	}
	corpus := filepath.Join(dir, "peer-corpus.csv")
	f, err := os.Create(corpus)
	if err != nil {
		return nil, err
	}
	if err := datasets.WriteCSV(f, rows); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	model := filepath.Join(dir, "peer-model.json")
	if out, err := exec.CommandContext(ctx, pyref.Python, script, "train", corpus, model).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("peer: train: %w: %s (`make pyref` installs python3-xgboost, python3-fastapi and python3-uvicorn)", err, out)
	}
	addr, err := netfault.FreeAddr()
	if err != nil {
		return nil, err
	}
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	log, err := os.Create(filepath.Join(dir, "peer.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(pyref.Python, script, "serve", port, fmt.Sprint(PeerWorkers))
	cmd.Env = append(os.Environ(), "MLCTL_PEER_MODEL="+model)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // uvicorn's workers are its children
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("peer: start: %w", err)
	}
	log.Close()
	p := &peer{addr: addr, cmd: cmd}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p, p.check(rows)
			}
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("peer: FastAPI scorer on %s did not answer within 60s (see %s/peer.log)", addr, dir)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// check scores a few names through the peer: it must answer every one.
func (p *peer) check(rows []datasets.Row) error {
	names := make([]string, 0, 10)
	for _, r := range rows[:min(10, len(rows))] {
		names = append(names, r.Name)
	}
	body, _ := json.Marshal(map[string][]string{"names": names})
	resp, err := http.Post("http://"+p.addr+"/v1/score", "application/json", strings.NewReader(string(body)))
	if err != nil {
		return fmt.Errorf("peer: score: %w", err)
	}
	defer resp.Body.Close()
	var got struct {
		Results []struct {
			Score float64 `json:"score"`
		} `json:"results"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != 200 || len(got.Results) != len(names) {
		return fmt.Errorf("peer: score answered %s with %d results (%v), want %d", resp.Status, len(got.Results), err, len(names))
	}
	return nil
}

// stop ends uvicorn and its workers.
func (p *peer) stop() {
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}

// peerScript is the peer's path in the checkout this benchmark runs from.
func peerScript() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		p := filepath.Join(dir, "bench", "serving", "peer", "fastapi_scorer.py")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("peer: bench/serving/peer/fastapi_scorer.py not found above %s", wd)
		}
	}
}
