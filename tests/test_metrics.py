import numpy as np
import pytest

from pipeline.metrics import expected_calibration_error, f_beta, kappa, stance_scores, topic_scores


def test_topic_scores_against_hand_computed_values():
    truth = np.array([[1, 0], [1, 1], [0, 0], [0, 1]], dtype=bool)
    pred = np.array([[1, 0], [0, 1], [1, 0], [0, 1]], dtype=bool)
    scores = topic_scores(truth, pred, ["a", "b"])
    # topic a: tp=1 fp=1 fn=1 -> P=R=F1=0.5; topic b: tp=2 -> 1.0
    assert scores["per_topic"]["a"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert scores["per_topic"]["b"]["f1"] == 1.0
    # micro: tp=3 fp=1 fn=1 -> P=R=0.75
    assert scores["micro_f1"] == 0.75
    assert scores["macro_f1"] == 0.75
    assert scores["exact_match"] == 0.5


def test_stance_macro_f1_ignores_absent_classes():
    truth = np.array([0, 0, 1, 1])
    pred = np.array([0, 1, 1, 1])
    scores = stance_scores(truth, pred, ["s", "c", "n"])
    # class 0: P=1 R=.5 F=.6667; class 1: P=.6667 R=1 F=.8; class 2 absent
    assert scores["per_class"]["s"]["f1"] == pytest.approx(0.6667, abs=1e-4)
    assert scores["macro_f1"] == pytest.approx((0.6667 + 0.8) / 2, abs=1e-4)
    assert scores["accuracy"] == 0.75


def test_kappa_hand_computed():
    # po = 0.75; pe = 0.5*0.5 + 0.5*0.5 = 0.5 -> kappa = 0.5
    assert kappa(["y", "y", "n", "n"], ["y", "n", "n", "n"]) == pytest.approx(0.5)
    assert kappa(["y", "y"], ["y", "y"]) == 1.0


def test_expected_calibration_error_hand_computed():
    truth = np.array([1, 0, 1, 1])
    proba = np.array([0.9, 0.9, 0.2, 0.2])
    # bin 0.9: conf .9 acc .5 -> gap .4 * 2; bin 0.2: conf .2 acc 1 -> gap .8 * 2; total 2.4/4
    assert expected_calibration_error(truth, proba) == pytest.approx(0.6)


def test_stance_scores_of_no_sentences_are_empty_not_an_error():
    scores = stance_scores(np.array([], dtype=int), np.array([], dtype=int), ["s", "c", "n"])
    assert scores["macro_f1"] is None and scores["sentences"] == 0


def test_f_beta_scores_the_positive_class_not_accuracy():
    # 8 negatives all right, 2 positives: one found, one missed, plus one false alarm.
    truth = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], dtype=bool)
    pred = np.array([1, 0, 1, 0, 0, 0, 0, 0, 0, 0], dtype=bool)
    # tp=1 fp=1 fn=1: F1 = 0.5 (accuracy would be 0.8, the old bug)
    assert f_beta(truth, pred) == pytest.approx(0.5)
    # beta 0.5: (1.25 * 1) / (1.25 * 1 + 0.25 * 1 + 1) = 0.5 as P == R; with P=1, R=0.5 it favors precision
    assert f_beta(truth, np.array([1] + [0] * 9, dtype=bool), 0.5) == pytest.approx(1.25 * 0.5 / (0.25 * 1 + 0.5))
    assert f_beta(truth, np.zeros(10, dtype=bool)) == 0.0
