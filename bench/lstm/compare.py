"""torch side of mlctl's LSTM benchmark (bench/lstm, embedded in the Go package).

  compare.py DIR CONFIG.json

Seed 002's DNSTxtClassifier, as training/lstm builds it: nn.Embedding
(padding_idx=0) -> one-layer nn.LSTM -> dropout 0.5 on the last hidden
state -> nn.Linear -> sigmoid, trained with nn.BCELoss and torch's Adam, on
one thread (torch.set_num_threads(1)). Run with /usr/bin/python3 (Debian's
python3-torch 1.13.1, which reports 1.13.0a0; `make torchref`).

DIR holds the little-endian files the Go side writes: speed_ids.i32 and
speed_labels.f32 (synthetic batches, every sequence of full length), and
txt_{train,test}_{ids,lengths}.i32 and txt_train_labels.f32 (tokenized TXT
records, right-padded). The script prints {"version", "threads"}, then
answers one JSON line per command line on stdin, so the Go side can
alternate its runs with these:

  speed_train    a fresh model, one training step per synthetic batch in
                 order; the first step is not timed -> {"steps", "seconds"}
  speed_predict  the last speed model scores every synthetic sequence in
                 batches (no_grad); the first batch is not timed
                 -> {"sequences", "seconds"}
  fit            a fresh model trained on the TXT training part for the
                 configured epochs (shuffled each epoch, packed sequences as
                 seed 002 feeds them), then scores the test part and writes
                 DIR/torch_test_pred.f32 -> {"seconds"}

The speed batches go in padded, unpacked: every length is the full length,
so packing would compute the same and only cost torch time.
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn

from pyworker import reply


class Net(nn.Module):
    def __init__(self, vocab, embed, hidden, dropout):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed, padding_idx=0)
        self.lstm = nn.LSTM(embed, hidden, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(hidden, 1)

    def forward(self, ids, lengths=None):
        x = self.embedding(ids)
        if lengths is not None:
            x = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, (h, _) = self.lstm(x)
        return torch.sigmoid(self.fc(self.dropout(h[-1]))).squeeze(1)


def ints(path, rows, cols):
    x = np.fromfile(path, dtype="<i4")
    if x.size != rows * cols:
        sys.exit(f"{path}: {x.size} values, want {rows}x{cols}")
    return torch.from_numpy(x.astype(np.int64).reshape(rows, cols))


def floats(path, rows):
    x = np.fromfile(path, dtype="<f4")
    if x.size != rows:
        sys.exit(f"{path}: {x.size} values, want {rows}")
    return torch.from_numpy(x.copy())


class Bench:
    def __init__(self, d, cfg):
        self.d, self.cfg = d, cfg
        s = cfg["speed"]
        rows, length, batch = s["rows"], s["length"], cfg["batch"]
        ids, y = ints(f"{d}/speed_ids.i32", rows, length), floats(f"{d}/speed_labels.f32", rows)
        self.speed = [(ids[i:i + batch], y[i:i + batch]) for i in range(0, rows, batch)]
        t = cfg["txt"]
        n, m, w = t["train_rows"], t["test_rows"], t["width"]
        self.train = (ints(f"{d}/txt_train_ids.i32", n, w), ints(f"{d}/txt_train_lengths.i32", n, 1)[:, 0],
                      floats(f"{d}/txt_train_labels.f32", n))
        self.test = (ints(f"{d}/txt_test_ids.i32", m, w), ints(f"{d}/txt_test_lengths.i32", m, 1)[:, 0])
        self.net = None

    def model(self, vocab):
        c = self.cfg
        torch.manual_seed(c["seed"])
        net = Net(vocab, c["embed"], c["hidden"], c["dropout"])
        opt = torch.optim.Adam(net.parameters(), lr=c["lr"], betas=(c["beta1"], c["beta2"]), eps=c["eps"])
        return net, opt

    @staticmethod
    def step(net, opt, loss_fn, ids, y, lengths=None):
        opt.zero_grad()
        loss = loss_fn(net(ids, lengths), y)
        loss.backward()
        opt.step()

    def speed_train(self):
        net, opt = self.model(self.cfg["speed"]["vocab"])
        loss_fn = nn.BCELoss()
        net.train()
        self.step(net, opt, loss_fn, *self.speed[0])
        t0 = time.perf_counter()
        for ids, y in self.speed[1:]:
            self.step(net, opt, loss_fn, ids, y)
        self.net = net
        return {"steps": len(self.speed) - 1, "seconds": time.perf_counter() - t0}

    def speed_predict(self):
        net = self.net
        net.eval()
        with torch.no_grad():
            net(self.speed[0][0])
            t0 = time.perf_counter()
            n = 0
            for ids, _ in self.speed[1:]:
                net(ids)
                n += ids.shape[0]
        return {"sequences": n, "seconds": time.perf_counter() - t0}

    def fit(self):
        c, t = self.cfg, self.cfg["txt"]
        net, opt = self.model(t["vocab"])
        loss_fn = nn.BCELoss()
        ids, lengths, y = self.train
        batch, gen = c["batch"], torch.Generator().manual_seed(c["seed"])
        t0 = time.perf_counter()
        net.train()
        for _ in range(t["epochs"]):
            order = torch.randperm(ids.shape[0], generator=gen)
            for i in range(0, len(order), batch):
                rows = order[i:i + batch]
                ln = lengths[rows]
                self.step(net, opt, loss_fn, ids[rows, :int(ln.max())], y[rows], ln)
        seconds = time.perf_counter() - t0
        net.eval()
        ids, lengths = self.test
        out = []
        with torch.no_grad():
            for i in range(0, ids.shape[0], batch):
                ln = lengths[i:i + batch]
                out.append(net(ids[i:i + batch, :int(ln.max())], ln))
        torch.cat(out).numpy().astype("<f4").tofile(f"{self.d}/torch_test_pred.f32")
        return {"seconds": seconds}


def main(argv):
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    b = Bench(argv[1], json.loads(open(argv[2]).read()))
    reply({"version": torch.__version__, "threads": torch.get_num_threads()})
    commands = {"speed_train": b.speed_train, "speed_predict": b.speed_predict, "fit": b.fit}
    for line in sys.stdin:
        cmd = line.strip()
        if cmd not in commands:
            sys.exit(f"unknown command {cmd!r}")
        reply(commands[cmd]())


if __name__ == "__main__":
    main(sys.argv)
