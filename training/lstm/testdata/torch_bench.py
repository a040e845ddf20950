#!/usr/bin/env python3
"""Single-thread torch reference for training/lstm's benchmarks.

Measures, on the shapes of BenchmarkTrainStep and BenchmarkPredict
(batch 64, length 40, vocabulary 10,002, embedding 64, hidden 64),
torch's training steps/s (nn.Embedding -> nn.LSTM -> dropout 0.5 ->
nn.Linear -> sigmoid, BCE, Adam) and inference sequences/s, with
torch.set_num_threads(1). Run with Debian's python3-torch (1.13.1, which reports 1.13.0a0), the
system interpreter:

    /usr/bin/python3 training/lstm/testdata/torch_bench.py [--seconds 5] [--packed]

--packed feeds the LSTM through pack_padded_sequence, as seed 002 does;
without it the padded batch goes straight in (every length is 40, so the
two compute the same). Prints one JSON object.
"""
import argparse
import json
import time

import torch
from torch import nn

BATCH, LENGTH, VOCAB, EMBED, HIDDEN = 64, 40, 10002, 64, 64


class Net(nn.Module):
    def __init__(self, packed):
        super().__init__()
        self.packed = packed
        self.embedding = nn.Embedding(VOCAB, EMBED, padding_idx=0)
        self.lstm = nn.LSTM(EMBED, HIDDEN, batch_first=True)
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(HIDDEN, 1)

    def forward(self, ids, lengths):
        x = self.embedding(ids)
        if self.packed:
            x = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, (h, _) = self.lstm(x)
        return torch.sigmoid(self.fc(self.dropout(h[-1]))).squeeze(1)


def rate(fn, seconds):
    for _ in range(3):
        fn()
    n, start = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        el = time.perf_counter() - start
        if el >= seconds:
            return n / el


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--packed", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(2)
    net = Net(args.packed)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.BCELoss()
    ids = torch.randint(2, VOCAB, (BATCH, LENGTH))
    lengths = torch.full((BATCH,), LENGTH, dtype=torch.int64)
    y = (torch.rand(BATCH) < 0.5).float()

    def step():
        opt.zero_grad()
        loss = loss_fn(net(ids, lengths), y)
        loss.backward()
        opt.step()

    net.train()
    steps = rate(step, args.seconds)
    net.eval()

    def predict():
        with torch.no_grad():
            net(ids, lengths)

    batches = rate(predict, args.seconds)
    print(json.dumps({
        "torch": torch.__version__, "threads": torch.get_num_threads(), "packed": args.packed,
        "batch": BATCH, "length": LENGTH, "vocab": VOCAB, "embed": EMBED, "hidden": HIDDEN,
        "train_steps_per_s": round(steps, 2), "predict_seqs_per_s": round(batches * BATCH, 1),
    }))


if __name__ == "__main__":
    main()
