"""The verifier: a catalogue of driver rules and the machinery that reports violations.

``rule`` says what a rule is, ``rules`` and ``datapath_rules`` hold the catalogue as data,
``finding`` the record of one violation and ``core`` the ``Verifier`` that reports them.
The per-family rule pages are generated from the catalogue by ``tools/docgen/rule_pages.py``.
"""

from condis_edu.verifier.core import Verifier, VerifierMode
from condis_edu.verifier.finding import Finding
from condis_edu.verifier.rule import Rule, RuleKind, anchor
from condis_edu.verifier.rules import RULES, rule_page

__all__ = ["RULES", "Finding", "Rule", "RuleKind", "Verifier", "VerifierMode", "anchor", "rule_page"]
