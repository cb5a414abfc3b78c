"""Benchmarks of lumberyard side by side with rsyslog, syslog-ng and a naive Python baseline.

``bench.corpus`` makes the seeded input, ``bench.standin`` answers ``_bulk`` like Elasticsearch 8,
``bench.run`` runs the scenarios and peers and writes ``bench/results/`` and the charts.
"""
