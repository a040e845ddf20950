# Makes the reference values of parzen_test.go: Optuna 3.1's own Parzen estimator
# with TPESampler's defaults, run as /usr/bin/python3 testdata/parzen_reference.py.
# Optuna 3.1's truncated-normal log density lacks the -log(scale) term
# (optuna#5109, fixed by optuna#5110 in 3.5): the Gaussian components were
# not normalised, so narrow ones weighed too little. mlctl uses the true
# density, so this script applies that fix before computing.
import numpy as np, optuna
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import default_weights
from optuna.distributions import FloatDistribution as F, IntDistribution as I, CategoricalDistribution as C
from optuna.samplers._tpe import parzen_estimator as _pe
_logpdf_31 = _pe.truncnorm.logpdf
def _logpdf_fixed(x, a, b, loc=0, scale=1):
    return _logpdf_31(x, a, b, loc=loc, scale=scale) - np.log(scale)
_pe.truncnorm.logpdf = _logpdf_fixed
P = _ParzenEstimatorParameters(consider_prior=True, prior_weight=1.0, consider_magic_clip=True, consider_endpoints=False, weights=default_weights, multivariate=False)
def show(name, dist, obs, xs):
    pe = _ParzenEstimator({"p": np.asarray(obs, dtype=float)}, {"p": dist}, P)
    print(name, "weights", list(pe._weights))
    if not isinstance(dist, C):
        print(name, "mus", list(pe._mus["p"]), "sigmas", list(pe._sigmas["p"]))
    print(name, "logpdf", [repr(v) for v in pe.log_pdf({"p": np.asarray(xs, dtype=int if isinstance(dist, C) else float)})])
show("float", F(0, 1), [0.1, 0.15, 0.7, 0.72, 0.3], [0.0, 0.12, 0.5, 0.71, 1.0])
show("log", F(0.001, 1, log=True), [0.01, 0.02, 0.5], [0.001, 0.015, 0.1, 1.0])
show("int", I(1, 10), [2, 3, 3, 9], [1, 3, 5, 10])
show("intlog", I(1, 1000, log=True), [4, 30, 500], [1, 5, 100, 1000])
show("cat", C(["a","b","c","d"]), [1, 1, 3], [0, 1, 2, 3])
show("one", F(0, 1), [0.4], [0.4, 0.9])
show("many", F(0, 1), list(np.linspace(0.01, 0.99, 30)), [0.05, 0.5, 0.95])
