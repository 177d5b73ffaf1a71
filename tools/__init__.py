"""Benchmarks, the load test and the simulated day: a Django app installed only where they run
(development, tests, a benchmark machine), never part of the product's package."""
