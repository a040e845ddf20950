"""heiDGAF's 44 domain-name features (seed 000's Detector._get_features).

Re-implemented line for line; imported by gen.py (the golden values of
features.Heidgaf44) and by bench/serving/peer/fastapi_scorer.py (the scorer
users build today, measured beside `mlctl serve`).
"""
import math

import numpy as np

NAMES = (
    ["label_length", "label_max", "label_average"]
    + ["freq_" + c for c in "abcdefghijklmnopqrstuvwxyz"]
    + [lvl + "_" + f for lvl in ("third", "second", "fqdn")
       for f in ("full_count", "alpha_ratio", "numeric_ratio", "special_ratio")]
    + ["entropy_fqdn", "entropy_third", "entropy_second"]
)


def get_features(query: str) -> np.ndarray:
    # --- seed 000, Detector._get_features, unchanged apart from logging ---
    query = query.strip(".")
    label_parts = query.split(".")
    levels = {
        "fqdn": query,
        "secondleveldomain": label_parts[-2] if len(label_parts) >= 2 else "",
        "thirdleveldomain": (
            ".".join(label_parts[:-2]) if len(label_parts) > 2 else ""
        ),
    }
    label_length = len(label_parts)
    parts = query.split(".")
    label_max = len(max(parts, key=str)) if parts else 0
    label_average = len(query)
    basic_features = np.array(
        [label_length, label_max, label_average], dtype=np.float64
    )
    alc = "abcdefghijklmnopqrstuvwxyz"
    query_len = len(query)
    freq = np.array(
        [query.lower().count(c) / query_len if query_len > 0 else 0.0 for c in alc],
        dtype=np.float64,
    )

    def calculate_counts(level: str) -> np.ndarray:
        if not level:
            return np.array([0.0, 0.0, 0.0, 0.0], dtype=np.float64)
        full_count = len(level) / len(level)
        alpha_ratio = sum(c.isalpha() for c in level) / len(level)
        numeric_ratio = sum(c.isdigit() for c in level) / len(level)
        special_ratio = sum(
            not c.isalnum() and not c.isspace() for c in level
        ) / len(level)
        return np.array(
            [full_count, alpha_ratio, numeric_ratio, special_ratio],
            dtype=np.float64,
        )

    fqdn_counts = calculate_counts(levels["fqdn"])
    third_counts = calculate_counts(levels["thirdleveldomain"])
    second_counts = calculate_counts(levels["secondleveldomain"])
    level_features = np.hstack([third_counts, second_counts, fqdn_counts])

    def calculate_entropy(s: str) -> float:
        if len(s) == 0:
            return 0.0
        probs = [s.count(c) / len(s) for c in dict.fromkeys(s)]
        return -sum(p * math.log(p, 2) for p in probs)

    entropy_features = np.array(
        [
            calculate_entropy(levels["fqdn"]),
            calculate_entropy(levels["thirdleveldomain"]),
            calculate_entropy(levels["secondleveldomain"]),
        ],
        dtype=np.float64,
    )
    all_features = np.concatenate(
        [basic_features, freq, level_features, entropy_features]
    )
    return all_features.reshape(1, -1)
    # --- end of seed 000 ---
