from pipeline.splits import assign_splits, group_folds


def test_seed_is_always_test_and_fraction_holds_roughly():
    articles = [f"a{i}" for i in range(400)] + ["seed"]
    gold = set(articles[:300]) | {"seed"}
    splits = assign_splits(articles, gold, 0.25, 7, ["seed"])
    assert splits["seed"] == "test"
    assert 0.18 < sum(splits[a] == "test" for a in gold) / len(gold) < 0.32
    assert all(splits[a] == "train" for a in articles if a not in gold)


def test_adding_gold_articles_does_not_move_others():
    base = [f"a{i}" for i in range(40)]
    new = [f"n{i}" for i in range(20)]
    before = assign_splits(base, set(base), 0.25, 7, [])
    after = assign_splits(base + new, set(base + new), 0.25, 7, [])
    assert {a: before[a] for a in base} == {a: after[a] for a in base}


def test_group_folds_keep_articles_whole():
    groups = ["a", "a", "b", "c", "c", "c", "d"]
    folds = group_folds(groups, 3, 1)
    seen = {}
    for k, fold in enumerate(folds):
        for i in fold:
            assert seen.setdefault(groups[i], k) == k
    assert sorted(i for fold in folds for i in fold) == list(range(len(groups)))
