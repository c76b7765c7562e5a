"""The verifier: a catalogue of driver rules and the machinery that reports violations.

``rules`` holds the catalogue as data, ``core`` the ``Verifier`` and ``Finding`` records,
``pages`` the generator of our per-family rule pages (``python -m condis_edu.verifier.pages``).
"""

from condis_edu.verifier.core import Finding, Verifier, VerifierMode
from condis_edu.verifier.rules import RULES, Rule, RuleKind, anchor, rule_page

__all__ = ["RULES", "Finding", "Rule", "RuleKind", "Verifier", "VerifierMode", "anchor", "rule_page"]
