"""The verifier: a catalogue of driver rules and the machinery that reports violations.

``rules`` holds the catalogue as data, ``core`` the ``Verifier`` and ``Finding`` records.
The per-family rule pages are generated from the catalogue by ``tools/docgen/rule_pages.py``.
"""

from condis_edu.verifier.core import Finding, Verifier, VerifierMode
from condis_edu.verifier.rules import RULES, Rule, RuleKind, anchor, rule_page

__all__ = ["RULES", "Finding", "Rule", "RuleKind", "Verifier", "VerifierMode", "anchor", "rule_page"]
