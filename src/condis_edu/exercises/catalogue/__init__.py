"""The exercise catalogue: one module per notebook, each registering its exercises on import."""

from condis_edu.exercises.catalogue import nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08

__all__ = ["nb01", "nb02", "nb03", "nb04", "nb05", "nb06", "nb07", "nb08"]
