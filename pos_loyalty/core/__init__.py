"""The plain core of pos_loyalty: points, rules, quotes, lots and expiry. No Flask, no SQL."""
