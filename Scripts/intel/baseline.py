#!/usr/bin/env python3
"""The baseline Shopdesk's classifiers are held to: scikit-learn's TF-IDF over words plus
logistic regression, trained on TRAIN and scored on TEST (CSV files with text and label columns,
as `shopdesk intel eval` reads them).

    pip install scikit-learn
    python3 Scripts/intel/baseline.py --train TRAIN.csv --test TEST.csv [--json]

Prints the same figures as `shopdesk intel eval` (accuracy, macro-F1), so the comparison on any
data set is these two commands side by side. The vectorizer and classifier keep scikit-learn's
defaults (word tokens of two or more characters, lowercased; L2 regularization with C = 1)
except max_iter, raised so the solver converges on large sets.
"""
import argparse, csv, json, sys, time

def read(path):
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or "text" not in rows[0] or "label" not in rows[0]:
        sys.exit(f"{path}: needs a header with text and label columns")
    rows = [row for row in rows if row["label"].strip()]
    return [row["text"] for row in rows], [row["label"].strip() for row in rows]

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score
    train_texts, train_labels = read(args.train)
    test_texts, test_labels = read(args.test)
    started = time.time()
    vectorizer = TfidfVectorizer()
    model = LogisticRegression(max_iter=2000)
    model.fit(vectorizer.fit_transform(train_texts), train_labels)
    seconds = time.time() - started
    predicted = model.predict(vectorizer.transform(test_texts))
    report = {"train_rows": len(train_texts), "test_rows": len(test_texts),
              "accuracy": accuracy_score(test_labels, predicted),
              "macro_f1": f1_score(test_labels, predicted, average="macro"), "training_seconds": seconds}
    if args.json:
        print(json.dumps(report, sort_keys=True))
    else:
        print("baseline: scikit-learn TF-IDF + logistic regression")
        print(f"train rows: {report['train_rows']}\ntest rows: {report['test_rows']}")
        print(f"accuracy: {report['accuracy']:.4f}\nmacro-F1: {report['macro_f1']:.4f}")

if __name__ == "__main__":
    main()
