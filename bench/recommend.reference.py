#!/usr/bin/env python3
"""Peer run for bench/recommend.bench.ts: item-kNN (BM25-weighted, top-k, optionally row-normalised,
as itemknn.ts) and EASE (Steck, "Embarrassingly Shallow Autoencoders", WWW 2019) in NumPy/SciPy on
the exact split the TypeScript side wrote, evaluated with the same P@K / R@K / NDCG@K. Each fit runs
`repeats` times; seconds and cpuSeconds are medians (cpu: all of this process's threads, so BLAS
threads count). Prints one JSON object."""
import json
import sys
import time

import numpy as np
import scipy.sparse as sp


def bm25(x, k1, b):
    # Items are the documents (length = popularity), customers the terms (idf by activity).
    xt = x.T.tocsr().astype(np.float64)
    n_docs = xt.shape[0]
    df = np.bincount(xt.indices, minlength=xt.shape[1])
    idf = np.log(n_docs) - np.log1p(df)
    lengths = np.asarray(xt.sum(axis=1)).ravel()
    norm = 1.0 - b + b * lengths / max(lengths.mean(), 1e-12)
    rows = np.repeat(np.arange(n_docs), np.diff(xt.indptr))
    xt.data = xt.data * (k1 + 1.0) / (k1 * norm[rows] + xt.data) * idf[xt.indices]
    return xt.T.tocsr()


def item_knn(x, k, shrink, k1, b, row_normalize):
    """The kept items x items similarity matrix (row i: neighbours of history item i)."""
    w = bm25(x, k1, b)
    sim = (w.T @ w).toarray()
    if shrink > 0:
        # Koren (2008) eq. 2: n_ij / (n_ij + shrink), n_ij customers with both items.
        binary = (x > 0).astype(np.float64)
        counts = (binary.T @ binary).toarray()
        sim *= counts / (counts + shrink)
    np.fill_diagonal(sim, 0.0)
    sim[sim <= 0] = 0.0
    if k < sim.shape[1]:
        drop = np.argpartition(-sim, k, axis=1)[:, k:]
        np.put_along_axis(sim, drop, 0.0, axis=1)
    if row_normalize:
        # Deshpande & Karypis (2004) section 4.2: each item's kept similarities sum to 1.
        sums = sim.sum(axis=1, keepdims=True)
        sim = np.divide(sim, sums, out=np.zeros_like(sim), where=sums > 0)
    return sim


def ease(x, lam):
    """EASE's closed form: B = I - P / diag(P) with P = (X'X + lambda I)^-1, diag(B) = 0 (Steck 2019, eq. 8)."""
    g = (x.T @ x).toarray().astype(np.float64)
    g[np.diag_indices_from(g)] += lam
    p = np.linalg.inv(g)
    bmat = -p / np.diag(p)
    np.fill_diagonal(bmat, 0.0)
    return bmat


def evaluate(scores, train, test, k):
    scores = np.asarray(scores, dtype=np.float64)
    disc = 1.0 / np.log2(np.arange(2, k + 2))
    p = r = nd = 0.0
    users = 0
    for u in range(test.shape[0]):
        truth = test.indices[test.indptr[u]:test.indptr[u + 1]]
        if truth.size == 0:
            continue
        s = scores[u].copy()
        s[train.indices[train.indptr[u]:train.indptr[u + 1]]] = -np.inf
        ranked = np.argsort(-s, kind="stable")[:k]  # stable: ties to the lower index, as topk.ts
        hit = np.isin(ranked, truth)
        hits = hit.sum()
        p += hits / k
        r += hits / truth.size
        nd += (disc[hit]).sum() / disc[: min(k, truth.size)].sum()
        users += 1
    return {"precision": p / users, "recall": r / users, "ndcg": nd / users, "users": users}


def main():
    spec = json.load(open(sys.argv[1]))
    shape = (spec["rows"], spec["cols"])
    ones = lambda n: np.ones(n, dtype=np.float64)
    train = sp.csr_matrix((ones(len(spec["trainRows"])), (spec["trainRows"], spec["trainCols"])), shape=shape)
    test = sp.csr_matrix((ones(len(spec["testRows"])), (spec["testRows"], spec["testCols"])), shape=shape)
    train.sort_indices()
    test.sort_indices()
    out = {}
    knn = spec["knn"]
    repeats = int(spec.get("repeats", 3))
    fits = (
        ("itemknn", lambda: item_knn(train, knn["k"], knn["shrink"], knn["k1"], knn["b"], knn["rowNormalize"])),
        ("ease", lambda: ease(train, spec["ease"]["lambda"])),
    )
    for name, fit in fits:
        walls, cpus = [], []
        for _ in range(repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            m = fit()
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
        out[name] = {"seconds": float(np.median(walls)), "cpuSeconds": float(np.median(cpus)), **evaluate(train @ m, train, test, spec["k"])}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
