"""The generator of synthetic centres, for the demo, the benchmarks and the tests.

* ``generate.py``: one unit's records as an exchange document (standard library only, deterministic from its
  seed), built by record family: ``organisation.py``, ``people.py``, ``cases.py``, ``activities.py``,
  ``outcomes.py`` on ``base.py`` and ``vocabulary.py``.
* ``extras/``: what the exchange format does not carry (next actions, a funded project, the prevention
  centre's year, consents), written through the apps' services after the import.
* ``management/commands/demo.py``: ``tongxing demo``.

Nothing in the product imports this app; it imports the product's public services.
"""
