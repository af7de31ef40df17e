"""Portfolio optimization: exposure tables -> cvxpy terms -> solve -> result."""
