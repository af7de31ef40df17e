"""``ldi risk --keys``: the same 150-year cap as ``keys`` in the problem file.

Before, ``--keys 151`` and ``--keys 2 360`` were accepted on the command line while the same
keys in the file were refused.
"""

import pytest

from ldi.cli import main


@pytest.mark.parametrize(
    ("keys", "shown"),
    [
        pytest.param(["151"], "keys[0]: got 151.0; expected a time in years in (0, 150]", id="151"),
        pytest.param(["2", "360"], "keys[1]: got 360.0; ", id="months"),
    ],
)
def test_keys_beyond_150_years_exit_2_naming_the_key(
    tmp_path, capsys, default_problem_path, keys, shown
):
    out_file = tmp_path / "risk.json"
    with pytest.raises(SystemExit) as stop:
        main(["risk", str(default_problem_path), "--keys", *keys, "--json", str(out_file)])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --keys: {shown}" in err
    assert "months typed as years?" in err or keys == ["151"]
    assert not out_file.exists()


def test_keys_up_to_150_years_pass(tmp_path, capsys, default_problem_path):
    out_file = tmp_path / "risk.json"
    args = ["risk", str(default_problem_path), "--keys", "2", "150", "--json", str(out_file)]
    assert main(args) == 0
    assert out_file.exists()
