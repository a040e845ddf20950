#!/usr/bin/python3
"""Reference output of seed 002's TXT tokenizer, made with scikit-learn 1.2.1.

Reads a JSON array of TXT records on stdin and writes one JSON object:

  records: for each record, "preprocessed" (seed 002's preprocess_text),
           "analyzer" (CountVectorizer(analyzer='char_wb', ngram_range=(2, 4),
           lowercase=True).build_analyzer() of it, the n-grams with their
           padding spaces) and "tokens" (seed 002's tokenize: the same
           n-grams, stripped);
  vocabularies: for keep_padding false (terms are seed 002's tokens, counted
           by CountVectorizer(analyzer=tokenize)) and true (terms are
           char_wb's own), "counts" (every term's corpus frequency, from
           X.sum(axis=0)) and, for each max_features in MAX_FEATURES, the
           terms CountVectorizer(max_features=...) keeps, sorted.

Regenerate the golden file with
  cd features/tokens/testdata/txt && /usr/bin/python3 gen.py < fixture.json > golden.json
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.feature_extraction.text import CountVectorizer

MAX_FEATURES = (100, 1000, 10000)

analyzer = CountVectorizer(analyzer="char_wb", ngram_range=(2, 4), lowercase=True).build_analyzer()


def tokenize(s):
    # seed 002's tokenize
    tokens = analyzer(s)
    try:
        tokens.remove(" ")
    except ValueError:
        pass
    return list(map(str.strip, tokens))


def remove_spaces_key_value(text):
    # seed 002's remove_spaces_key_value: nine replace calls in this order
    return (text.replace(" = ", "=").replace(" =", "=").replace("= ", "=")
            .replace(" - ", "-").replace(" -", "-").replace("- ", "-")
            .replace(" : ", ":").replace(": ", ":").replace(" :", ":"))


def preprocess_text(text):
    # seed 002's preprocess_text
    text = remove_spaces_key_value(text)
    return text.replace('"', "").replace("'", "").lower()


def vocabulary(docs, keep_padding):
    an = "char_wb" if keep_padding else tokenize
    # char_wb as seed 002 configures it; the callable takes the text as is
    kw = {"ngram_range": (2, 4), "lowercase": True} if keep_padding else {}
    full = CountVectorizer(analyzer=an, **kw)
    X = full.fit_transform(docs)
    tfs = np.asarray(X.sum(axis=0)).ravel()
    counts = {term: int(tfs[i]) for term, i in full.vocabulary_.items()}
    kept = {}
    for k in MAX_FEATURES:
        cv = CountVectorizer(analyzer=an, max_features=k, **kw)
        cv.fit(docs)
        kept[str(k)] = sorted(cv.vocabulary_)
    return {"keep_padding": keep_padding, "counts": counts, "kept": kept}


def main():
    assert sklearn.__version__ == "1.2.1", sklearn.__version__
    records = json.load(sys.stdin)
    docs = [preprocess_text(r) for r in records]
    out = {
        "sklearn": sklearn.__version__,
        "records": [
            {"input": r, "preprocessed": d, "analyzer": analyzer(d), "tokens": tokenize(d)}
            for r, d in zip(records, docs)
        ],
        "vocabularies": [vocabulary(docs, False), vocabulary(docs, True)],
    }
    json.dump(out, sys.stdout, ensure_ascii=True, sort_keys=True, indent=0)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
