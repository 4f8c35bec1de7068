"""The bundled examples (``examples/*.py`` in the repository), shipped so ``mockmpu demo`` runs
them when installed. Each is a stand-alone script; importing one has no side effects.
"""
