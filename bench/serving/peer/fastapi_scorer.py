#!/usr/bin/python3
"""The DGA scorer security teams build today, for `make bench` to load beside
`mlctl serve`: FastAPI + uvicorn (Debian's python3-fastapi, python3-uvicorn)
serving an XGBoost model on heiDGAF's 44 features, as seed 000's detector
computes them (features/testdata/heidgaf44/heidgaf.py, one name at a time).

It answers the same request as mlctl's POST /v1/score:

    {"names": ["example.com", ...]}  ->  {"model", "threshold", "results": [{"input", "score", "label"}]}

Two steps, so training is never timed:

    fastapi_scorer.py train CORPUS.csv MODEL.json   # CSV with name/domain and label columns
    MLCTL_PEER_MODEL=MODEL.json fastapi_scorer.py serve PORT WORKERS

The model is XGBoost's defaults for binary:logistic (100 rounds, depth 6,
eta 0.3, hist), the same recipe as mlctl's gbdt default, on one thread per
uvicorn worker process.
"""
import csv
import os
import sys

import numpy as np
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "features", "testdata", "heidgaf44"))
from heidgaf import get_features  # noqa: E402

THRESHOLD = 0.5


def features(names):
    return np.vstack([get_features(n) for n in names]) if names else np.zeros((0, 44))


def train(corpus, out):
    names, labels = [], []
    with open(corpus, newline="") as f:
        r = csv.DictReader(f)
        col = next(c for c in ("name", "domain", "query") if c in r.fieldnames)
        for row in r:
            names.append(row[col])
            labels.append(0 if row["label"] in ("0", "benign", "legit") else 1)
    booster = xgb.train(
        {"objective": "binary:logistic", "tree_method": "hist", "max_depth": 6, "eta": 0.3, "nthread": 2, "seed": 0},
        xgb.DMatrix(features(names), label=np.array(labels)),
        num_boost_round=100,
    )
    booster.save_model(out)


def app():
    from fastapi import FastAPI
    from pydantic import BaseModel

    booster = xgb.Booster(model_file=os.environ["MLCTL_PEER_MODEL"])
    booster.set_param({"nthread": 1})
    api = FastAPI()

    class ScoreRequest(BaseModel):
        names: list[str]

    @api.post("/v1/score")
    def score(req: ScoreRequest):
        scores = booster.inplace_predict(features(req.names)) if req.names else []
        return {
            "model": "fastapi-xgboost-heidgaf44",
            "threshold": THRESHOLD,
            "results": [
                {"input": n, "score": float(s), "label": int(s >= THRESHOLD)} for n, s in zip(req.names, scores)
            ],
        }

    @api.get("/healthz")
    def healthz():
        return {"model": "fastapi-xgboost-heidgaf44"}

    return api


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "train":
        train(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "serve":
        import socket

        import uvicorn

        # uvicorn 0.17 (h11) writes a response's head and body apart; without
        # TCP_NODELAY every keep-alive request then waits for the client's
        # delayed ACK (40 ms). Accepted sockets inherit it from this one.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", int(sys.argv[2])))
        sock.set_inheritable(True)
        uvicorn.run("fastapi_scorer:app", factory=True, fd=sock.fileno(), workers=int(sys.argv[3]),
                    log_level="warning", access_log=False, app_dir=HERE)
    else:
        sys.exit("usage: fastapi_scorer.py train CORPUS.csv MODEL.json | serve PORT WORKERS")


if __name__ == "__main__":
    main()
