"""The simulated NDIS library (private): objects, state tables, scheduler and every DDI.

Drivers never import from here; they use ``condis_edu.ndis``. Learners drive it through
``condis_edu.Machine``.
"""
