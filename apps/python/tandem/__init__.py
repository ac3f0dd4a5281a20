"""tandem: can we actually deliver what we're promising?

check, recommend and follow_up return the CLI's JSON (--json) as dicts (docs/python.md). The
compiled module is tandem._tandem; this package re-exports it and adds tandem.dask, the check
spread over Dask distributed (`python3 -m tandem.dask check FILE`, docs/scale-out.md).
"""

from tandem._tandem import (  # noqa: F401  (re-exported)
    Error,
    InternalError,
    Scenario,
    __version__,
    check,
    check_block,
    check_component_blocks,
    check_components,
    check_scenarios,
    follow_up,
    merge_check_blocks,
    read_scenario,
    recommend,
)

__all__ = [
    "Error",
    "InternalError",
    "Scenario",
    "__version__",
    "check",
    "check_block",
    "check_component_blocks",
    "check_components",
    "check_scenarios",
    "follow_up",
    "merge_check_blocks",
    "read_scenario",
    "recommend",
]
