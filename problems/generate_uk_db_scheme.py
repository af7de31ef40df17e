"""Write the default problem's liability cash flows: a representative closed UK DB scheme.

The recipe (shared domain facts, "Representative UK DB cash-flow profile"), annual payments
in arrears, money in GBP:

- mortality: Gompertz q_x = 0.00934 exp(0.11563 (x − 65)) from age 65 (capped at 1),
  0.15% a year before 65;
- pensioners: £30m a year in total, ages 66–99, weights ∝ exp(−½((age − 74)/7)²);
- deferreds: £40m a year in total (today's money), ages 30–64, weights ∝
  exp(−½((age − 54)/7)²), paid once older than 65;
- indexation: 25% of each payment fixed nominal, 75% inflation-linked (real amounts; at 3%
  breakeven the nominal amount is real × 1.03^t).

Run ``python problems/generate_uk_db_scheme.py`` to rewrite the CSV.
"""

from pathlib import Path

import numpy as np
import pandas as pd

HORIZON_YEARS = 100  # rows whose payment rounds to zero are dropped
CSV_PATH = Path(__file__).parent / "data" / "uk_db_scheme_liabilities.csv"


def mortality(age: np.ndarray) -> np.ndarray:
    """One-year death probability q_x."""
    gompertz = np.minimum(0.00934 * np.exp(0.11563 * (age - 65.0)), 1.0)
    return np.where(age >= 65, gompertz, 0.0015)


def expected_pensions(
    ages: np.ndarray, total: float, centre: float, years: np.ndarray, paid_after: float
) -> np.ndarray:
    """Expected payments in each of ``years`` (today's money) for one member group."""
    weights = np.exp(-0.5 * ((ages - centre) / 7.0) ** 2)
    pensions = total * weights / weights.sum()
    attained = ages[:, None] + np.arange(years.size)[None, :]
    survival = np.cumprod(1.0 - mortality(attained), axis=1)
    in_payment = ages[:, None] + years[None, :] > paid_after
    return pensions @ (survival * in_payment)


def liability_cashflows() -> pd.DataFrame:
    """Columns time, fixed, inflation_linked (GBP, rounded to pence; zero rows dropped)."""
    years = np.arange(1, HORIZON_YEARS + 1, dtype=float)
    real = expected_pensions(np.arange(66.0, 100.0), 30e6, 74.0, years, paid_after=0.0)
    real += expected_pensions(np.arange(30.0, 65.0), 40e6, 54.0, years, paid_after=65.0)
    paid = real >= 0.005
    return pd.DataFrame(
        {
            "time": years[paid],
            "fixed": np.round(0.25 * real[paid], 2),
            "inflation_linked": np.round(0.75 * real[paid], 2),
        }
    )


if __name__ == "__main__":
    liability_cashflows().to_csv(CSV_PATH, index=False)
    print(f"wrote {CSV_PATH}")
