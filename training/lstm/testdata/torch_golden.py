#!/usr/bin/env python3
"""Writes torch_golden.json, the torch reference that torch_test.go checks
training/lstm against. Run with Debian's python3-torch 1.13.1 (the system
interpreter) from this directory:

    /usr/bin/python3 torch_golden.py > torch_golden.json

A tiny model of seed 002's architecture (nn.Embedding with padding_idx=0 ->
one-layer nn.LSTM fed through pack_padded_sequence, as the seed feeds it ->
nn.Linear -> sigmoid), float32, seeded. It records the initial state_dict,
a batch of padded sequences of lengths 1..8, the model's probabilities,
then the gradients of the mean binary cross-entropy and the state_dict
after two steps of Adam (lr 0.01, dropout 0, so the step is exact).
"""
import json

import torch
from torch import nn

VOCAB, EMBED, HIDDEN, WIDTH = 12, 5, 6, 8


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, EMBED, padding_idx=0)
        self.lstm = nn.LSTM(EMBED, HIDDEN, batch_first=True)
        self.fc = nn.Linear(HIDDEN, 1)

    def forward(self, ids, lengths):
        x = nn.utils.rnn.pack_padded_sequence(self.embedding(ids), lengths, batch_first=True, enforce_sorted=False)
        _, (h, _) = self.lstm(x)
        return torch.sigmoid(self.fc(h[-1])).squeeze(1)


def state(net):
    return {k: v.detach().reshape(-1).tolist() for k, v in net.state_dict().items()}


def main():
    torch.manual_seed(2)
    torch.set_num_threads(1)
    net = Net()
    lengths = torch.tensor([8, 1, 5, 3, 8, 2, 6, 4])
    ids = torch.randint(1, VOCAB, (len(lengths), WIDTH))
    for i, n in enumerate(lengths):
        ids[i, n:] = 0
    labels = torch.tensor([1, 0, 1, 1, 0, 0, 1, 0], dtype=torch.float32)
    out = {"vocab": VOCAB, "embed": EMBED, "hidden": HIDDEN, "width": WIDTH,
           "ids": ids.reshape(-1).tolist(), "lengths": lengths.tolist(), "labels": labels.tolist(),
           "initial": state(net)}
    with torch.no_grad():
        out["probabilities"] = net(ids, lengths).tolist()
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    for step in range(2):
        opt.zero_grad()
        loss = nn.BCELoss()(net(ids, lengths), labels)
        loss.backward()
        if step == 0:
            out["loss"] = loss.item()
            out["gradients"] = {k: p.grad.reshape(-1).tolist() for k, p in net.named_parameters()}
        opt.step()
    out["after_two_steps"] = state(net)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
