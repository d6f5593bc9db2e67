"""Writes the labelled outlier-detection sets that `npm run ml:robustness` reads, as CSV files in a local
cache (var/outlier-sets by default; never committed).

    python3 tools/ml-evaluation/prepare-outlier-sets.py [--adbench PATH] [--out var/outlier-sets]

Two sources:
- scikit-learn's bundled data (python3-sklearn), turned into outlier sets the usual ODDS way: one or more
  classes are the inliers, and a seeded random sample of another class, kept small, is the outliers
  (exactly which, and how many, is in BUNDLED below and printed);
- ADBench's "Classical" sets (ODDS and others, as .npz with X and y), read from a clone of the public
  ADBench repository given by --adbench: a work tree, or a bare git directory whose HEAD holds
  adbench/datasets/Classical/*.npz. Sets whose file is missing are skipped with a note.
Each CSV has a header, the numeric columns c0..c(d-1) and a last column `label` (1 = outlier).
"""
import argparse
import io
import os
import subprocess
import sys

import numpy as np
from sklearn import datasets

ADBENCH_SETS = [
    "4_breastw",  # 683 x 9, integer grades: many duplicated rows
    "18_Ionosphere",  # 351 x 33, one constant column
    "6_cardio",  # 1,831 x 21
    "2_annthyroid",  # 7,200 x 6
    "31_satimage-2",  # 5,803 x 36
    "26_optdigits",  # 5,216 x 64, constant pixel columns
    "5_campaign",  # 41,188 x 62
    "32_shuttle",  # 49,097 x 9, duplicated rows
    "34_smtp",  # 95,156 x 3, duplicated rows
]


def bundled(name, loader, inlier_classes, outlier_class, outliers, seed):
    X, y = loader(return_X_y=True)
    rng = np.random.default_rng(seed)
    inliers = np.flatnonzero(np.isin(y, inlier_classes))
    candidates = np.flatnonzero(y == outlier_class)
    chosen = np.sort(rng.choice(candidates, size=outliers, replace=False))
    rows = np.concatenate([inliers, chosen])
    labels = np.concatenate([np.zeros(len(inliers)), np.ones(len(chosen))])
    how = (
        f"classes {list(inlier_classes)} as inliers ({len(inliers)}), {outliers} of the "
        f"{len(candidates)} rows of class {outlier_class} drawn with seed {seed} as outliers"
    )
    return name, X[rows], labels, how


BUNDLED = [
    # breast_cancer: benign (1) inliers, 10 malignant (0) outliers, as ODDS's WDBC.
    lambda: bundled("sk_breast_cancer", datasets.load_breast_cancer, [1], 0, 10, 1),
    # wine: classes 1 and 2 inliers, 10 of class 0 outliers, as ODDS's wine.
    lambda: bundled("sk_wine", datasets.load_wine, [1, 2], 0, 10, 1),
    # digits: 1-9 inliers, 50 zeros outliers.
    lambda: bundled("sk_digits", datasets.load_digits, list(range(1, 10)), 0, 50, 1),
    # iris: versicolor and virginica inliers, 5 setosa outliers (tiny, 4 columns: a sanity check).
    lambda: bundled("sk_iris", datasets.load_iris, [1, 2], 0, 5, 1),
]


def read_adbench(root, name):
    relative = f"adbench/datasets/Classical/{name}.npz"
    path = os.path.join(root, relative)
    if os.path.exists(path):
        return np.load(path)
    shown = subprocess.run(
        ["git", f"--git-dir={root}", "show", f"HEAD:{relative}"], capture_output=True
    )
    if shown.returncode != 0:
        return None
    return np.load(io.BytesIO(shown.stdout))


def write(out, name, X, labels, how):
    X = np.asarray(X, dtype=float)
    header = ",".join([f"c{i}" for i in range(X.shape[1])] + ["label"])
    table = np.column_stack([X, labels.astype(int)])
    np.savetxt(os.path.join(out, f"{name}.csv"), table, delimiter=",", header=header, comments="", fmt="%.10g")
    duplicates = len(X) - len(np.unique(X, axis=0))
    constant = int((X.std(axis=0) == 0).sum())
    print(
        f"{name}: {X.shape[0]} x {X.shape[1]}, {int(labels.sum())} outliers, "
        f"{duplicates} duplicated rows, {constant} constant columns; {how}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--adbench", help="clone of the ADBench repository (work tree or bare git dir)")
    parser.add_argument("--out", default="var/outlier-sets")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for make in BUNDLED:
        write(args.out, *make())
    if not args.adbench:
        print("no --adbench clone given: only scikit-learn's bundled sets written", file=sys.stderr)
        return
    for name in ADBENCH_SETS:
        data = read_adbench(args.adbench, name)
        if data is None:
            print(f"{name}: not found in {args.adbench}, skipped", file=sys.stderr)
            continue
        write(args.out, name, data["X"], np.asarray(data["y"]).ravel(), "ADBench Classical, as published")


if __name__ == "__main__":
    main()
