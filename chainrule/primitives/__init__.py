"""Every primitive: its implementation and both derivative rules, one module per family."""

from chainrule.primitives import (  # noqa: F401  (importing registers the primitives)
    contraction,
    control,
    declare,
    elementwise,
    indexing,
    reductions,
    shape,
)
