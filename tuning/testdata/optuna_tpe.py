# The reference of TestMatchesOptunaTPE: Optuna 3.1's TPESampler with its
# defaults on the synthetic objective of sampler_test.go, one study of
# `trials` trials per seed. Reads {"seeds": S, "trials": T} on stdin and
# prints the best value of each study as a JSON list.
import json
import math
import sys

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def synthetic(trial):
    x = trial.suggest_float("x", 0.0, 1.0)
    y = trial.suggest_float("y", 0.001, 1.0, log=True)
    booster = trial.suggest_categorical("booster", ["gbtree", "dart", "gblinear", "linear"])
    v = -((x - 0.3) ** 2) - (math.log10(y) + 1.3) ** 2
    if booster != "dart":
        v -= 0.5
    return v


req = json.load(sys.stdin)
best = []
for seed in range(req["seeds"]):
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(synthetic, n_trials=req["trials"])
    best.append(study.best_value)
json.dump(best, sys.stdout)
