"""scikit-learn peer for `npm run bench -- nlp`.

Reads the splits bench/nlp.bench.ts wrote (JSON: {"tasks": [{key, lang, train, test}]}, each
split {texts, labels}), fits TF-IDF (word 1-2-grams, sublinear tf; Chinese pre-cut with jieba)
+ LogisticRegression and + LinearSVC on the same training texts, and prints one JSON line:
{key: {model: {accuracy, spam_recall, fit_seconds, texts_per_second}}}.
Throughput is batch prediction (cut + transform + predict over the whole test set) on one core.
"""
import json
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import jieba  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

jieba.setLogLevel(60)


def cut_zh(texts):
    return [" ".join(jieba.lcut(t)) for t in texts]


def run(task):
    zh = task["lang"] == "zh"
    prep = cut_zh if zh else (lambda xs: xs)
    train_x = prep(task["train"]["texts"])
    train_y = task["train"]["labels"]
    test_texts = task["test"]["texts"]
    test_y = task["test"]["labels"]
    out = {}
    models = {
        "logreg": LogisticRegression(C=10, max_iter=2000),
        "linearsvc": LinearSVC(C=1),
    }
    for name, clf in models.items():
        vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\S+" if zh else r"(?u)\b\w\w+\b")
        pipe = make_pipeline(vec, clf)
        t0 = time.perf_counter()
        pipe.fit(train_x, train_y)
        fit_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        pred = pipe.predict(prep(test_texts))
        pred_s = time.perf_counter() - t0
        correct = sum(1 for p, y in zip(pred, test_y) if p == y)
        spam = [p for p, y in zip(pred, test_y) if y == "spam"]
        out[name] = {
            "accuracy": correct / len(test_y),
            "spam_recall": (sum(1 for p in spam if p == "spam") / len(spam)) if spam else None,
            "fit_seconds": fit_s,
            "texts_per_second": len(test_y) / pred_s,
        }
    return out


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    jieba.initialize()
    result = {task["key"]: run(task) for task in data["tasks"]}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
