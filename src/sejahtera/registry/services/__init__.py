"""Every write to the registry. `ppks` holds the PPKS reference data and assessments;
`proposals` the proposal → verification → deliberation → approval flow through which
registry data changes."""

from sejahtera.registry.services.ppks import assess_ppks, load_ppks_categories
from sejahtera.registry.services.proposals import (
    decide_proposal,
    endorse_batch,
    submit_proposal,
    verify_proposal,
)

__all__ = [
    "assess_ppks",
    "decide_proposal",
    "endorse_batch",
    "load_ppks_categories",
    "submit_proposal",
    "verify_proposal",
]
