"""The public surface: ``prelabel.__all__`` is sorted, complete and importable."""

from __future__ import annotations

import prelabel


def test_all_is_unique() -> None:
    # Its order is ruff's RUF022 (isort-style), checked by `make lint`.
    assert len(set(prelabel.__all__)) == len(prelabel.__all__)


def test_every_exported_name_exists() -> None:
    for name in prelabel.__all__:
        assert hasattr(prelabel, name), name


def test_every_public_attribute_is_exported() -> None:
    public = {
        name
        for name, value in vars(prelabel).items()
        if not name.startswith("_") and not isinstance(value, type(prelabel))
    }
    assert public <= set(prelabel.__all__), sorted(public - set(prelabel.__all__))


def test_errors_subclass_builtins() -> None:
    assert issubclass(prelabel.ConfigError, ValueError)
    assert issubclass(prelabel.BuildError, ValueError)
    assert issubclass(prelabel.LabelError, prelabel.BuildError)
    assert issubclass(prelabel.UnknownNameError, LookupError)
    assert issubclass(prelabel.KindError, TypeError)
    assert issubclass(prelabel.ValidationError, ValueError)
