"""scikit-learn's side of `npm run bench:ml`: fits and scores one CSV the way ml:score does.

    python3 ml_sklearn_side.py IN.csv OUT.json

IN.csv: a header, numeric columns, and a last column `label` that is ignored for fitting. The rows are
standardised as ml:score does (z-score per column), then Isolation Forest (100 trees, max_samples
min(256, n)) and LOF (k = 20, algorithm 'auto') are fitted on all rows and score them. OUT.json holds
each detector's seconds (fit + score) and its scores, higher = more anomalous.
"""
import json
import sys
import time

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import LocalOutlierFactor


def main(source: str, target: str) -> None:
    table = np.loadtxt(source, delimiter=",", skiprows=1)
    features = table[:, :-1]
    started = time.perf_counter()
    spread = features.std(axis=0)
    spread[spread == 0] = 1.0
    features = (features - features.mean(axis=0)) / spread
    standardise_s = time.perf_counter() - started

    started = time.perf_counter()
    forest = IsolationForest(n_estimators=100, max_samples=min(256, len(features)), random_state=0)
    forest_scores = -forest.fit(features).score_samples(features)
    forest_s = time.perf_counter() - started

    started = time.perf_counter()
    lof = LocalOutlierFactor(n_neighbors=min(20, len(features) - 1)).fit(features)
    lof_scores = -lof.negative_outlier_factor_
    lof_s = time.perf_counter() - started

    with open(target, "w") as out:
        json.dump(
            {
                "standardise_s": standardise_s,
                "iforest_s": forest_s,
                "lof_s": lof_s,
                "lof_method": lof._fit_method,
                "iforest": forest_scores.tolist(),
                "lof": lof_scores.tolist(),
            },
            out,
        )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
