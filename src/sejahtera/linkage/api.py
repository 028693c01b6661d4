from ninja import Router

from sejahtera.accounts.roles import Cap
from sejahtera.common.api import CapabilityRouter

router: Router = CapabilityRouter(Cap.VIEW, tags=["kualitas data"])
