"""Run talon 1.4.4 over emails for benchmarks/score_real.py, inside talon's own venv.

Usage: .venv-talon/bin/python benchmarks/talon_worker.py < requests.jsonl

Reads JSON lines {"id", "text", "sender"} on stdin and writes one JSON line per email,
{"id", "signature", "mode"}: talon's signature text (or null) for the new text that
`talon.quotations.extract_from_plain` keeps. The mode is "ml" (`talon.init()` and
`talon.signature.extract`, talon's shipped classifier) or, when that cannot be set up,
"bruteforce" (`talon.signature.bruteforce.extract_signature`).

talon 1.4.4 imports `sklearn.externals.joblib` (gone from scikit-learn since 0.23) and ships its
classifier as a Python 2 joblib pickle that names `sklearn.svm.classes`. Both are bridged here
without touching the installed package: the old module names point at the new ones, and the
pickle is read with latin-1 strings, its arrays from the .npy files beside it. (talon's own
fallback loader would write a converted classifier back over the shipped file.)

talon reads the sender's names through a set, so its output depends on the string hash seed:
the caller sets PYTHONHASHSEED for repeatable figures.

This file runs under talon's venv only: it imports nothing from the project.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from typing import Any


def _bridge_sklearn() -> None:
    import joblib
    import joblib.numpy_pickle
    import sklearn.svm._classes

    sys.modules.setdefault("sklearn.externals.joblib", joblib)
    sys.modules.setdefault("sklearn.externals.joblib.numpy_pickle", joblib.numpy_pickle)
    sys.modules.setdefault("sklearn.svm.classes", sklearn.svm._classes)


def load_shipped_classifier(classifier_path: str, train_data_path: str | None = None) -> Any:
    """talon's shipped LinearSVC, read without writing anything."""
    import numpy

    with open(classifier_path, "rb") as f:
        classifier = pickle.load(f, encoding="latin1")
    folder = os.path.dirname(classifier_path)
    for key, value in list(vars(classifier).items()):
        if type(value).__name__ == "NDArrayWrapper":
            setattr(classifier, key, numpy.load(os.path.join(folder, value.filename)))
    return classifier


def init() -> str:
    """Set talon up; the mode it will run in."""
    try:
        _bridge_sklearn()
        import talon
        from talon.signature.learning import classifier

        classifier.load = load_shipped_classifier
        talon.init()
        if not talon.ML_ENABLED:
            return "bruteforce"
        return "ml"
    except Exception as exc:  # any failure to set the classifier up: talon's rules alone
        print(f"talon ML unavailable ({exc!r}); using bruteforce", file=sys.stderr)
        return "bruteforce"


def signature(text: str, sender: str, mode: str) -> str | None:
    from talon import quotations
    from talon.signature.bruteforce import extract_signature

    new_text = quotations.extract_from_plain(text)
    if mode == "ml":
        import talon.signature

        _, found = talon.signature.extract(new_text, sender=sender)
    else:
        _, found = extract_signature(new_text)
    return found if isinstance(found, str) else None


def main() -> None:
    mode = init()
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            found = signature(request["text"], request["sender"] or "", mode)
        except Exception as exc:  # one email talon cannot read is not a reason to stop
            print(f"{request['id']}: {exc!r}", file=sys.stderr)
            found = None
        answer = {"id": request["id"], "signature": found, "mode": mode}
        sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
