"""The NDIS mirror: what a driver imports, as a C driver includes ndis.h.

Every DDI keeps Microsoft's name and parameter order. Out-parameters come back as a tuple
with the status first::

    Status, NdisVcHandle = NdisCoCreateVc(NdisBindingHandle, NdisAfHandle, ProtocolVcContext)

Handlers a driver registers follow the same convention (``MiniportCoCreateVc`` returns
``(Status, MiniportVcContext)``). Structures, statuses and constants are re-exported here
too, so ``from condis_edu.ndis import *`` gives a driver everything ndis.h would.
"""

from __future__ import annotations

from condis_edu import constants as _constants
from condis_edu import status as _status
from condis_edu import structures as _structures
from condis_edu.constants import *  # noqa: F403
from condis_edu.ddi.adapters import (
    NdisAllocateIoWorkItem,
    NdisFreeIoWorkItem,
    NdisMPauseComplete,
    NdisMRestartComplete,
    NdisMSetMiniportAttributes,
    NdisQueueIoWorkItem,
)
from condis_edu.ddi.afs import (
    NdisClCloseAddressFamily,
    NdisClDeregisterSap,
    NdisClNotifyCloseAddressFamilyComplete,
    NdisClOpenAddressFamilyEx,
    NdisClRegisterSap,
    NdisCmCloseAddressFamilyComplete,
    NdisCmDeregisterSapComplete,
    NdisCmNotifyCloseAddressFamily,
    NdisCmOpenAddressFamilyComplete,
    NdisCmRegisterAddressFamilyEx,
    NdisCmRegisterSapComplete,
    NdisMCmCloseAddressFamilyComplete,
    NdisMCmDeregisterSapComplete,
    NdisMCmNotifyCloseAddressFamily,
    NdisMCmOpenAddressFamilyComplete,
    NdisMCmRegisterAddressFamilyEx,
    NdisMCmRegisterSapComplete,
)
from condis_edu.ddi.bindings import (
    NdisCloseAdapterEx,
    NdisCompleteBindAdapterEx,
    NdisCompleteNetPnPEvent,
    NdisCompleteUnbindAdapterEx,
    NdisOpenAdapterEx,
)
from condis_edu.ddi.calls import (
    NdisClCloseCall,
    NdisClIncomingCallComplete,
    NdisClMakeCall,
    NdisCmCloseCallComplete,
    NdisCmDispatchCallConnected,
    NdisCmDispatchIncomingCall,
    NdisCmDispatchIncomingCloseCall,
    NdisCmMakeCallComplete,
    NdisMCmCloseCallComplete,
    NdisMCmDispatchCallConnected,
    NdisMCmDispatchIncomingCall,
    NdisMCmDispatchIncomingCloseCall,
    NdisMCmMakeCallComplete,
)
from condis_edu.ddi.registration import (
    NdisDeregisterProtocolDriver,
    NdisMDeregisterMiniportDriver,
    NdisMRegisterMiniportDriver,
    NdisRegisterProtocolDriver,
    NdisSetOptionalHandlers,
)
from condis_edu.ddi.vcs import (
    NdisCmActivateVc,
    NdisCmDeactivateVc,
    NdisCoCreateVc,
    NdisCoDeleteVc,
    NdisMCmActivateVc,
    NdisMCmCreateVc,
    NdisMCmDeactivateVc,
    NdisMCmDeleteVc,
    NdisMCoActivateVcComplete,
    NdisMCoDeactivateVcComplete,
)
from condis_edu.handles import NDIS_HANDLE
from condis_edu.status import *  # noqa: F403
from condis_edu.structures import *  # noqa: F403

DDIS: tuple[str, ...] = (  # noqa: RUF100
    "NdisAllocateIoWorkItem",
    "NdisClCloseAddressFamily",
    "NdisClCloseCall",
    "NdisClDeregisterSap",
    "NdisClIncomingCallComplete",
    "NdisClMakeCall",
    "NdisClNotifyCloseAddressFamilyComplete",
    "NdisClOpenAddressFamilyEx",
    "NdisClRegisterSap",
    "NdisCloseAdapterEx",
    "NdisCmActivateVc",
    "NdisCmCloseAddressFamilyComplete",
    "NdisCmCloseCallComplete",
    "NdisCmDeactivateVc",
    "NdisCmDeregisterSapComplete",
    "NdisCmDispatchCallConnected",
    "NdisCmDispatchIncomingCall",
    "NdisCmDispatchIncomingCloseCall",
    "NdisCmMakeCallComplete",
    "NdisCmNotifyCloseAddressFamily",
    "NdisCmOpenAddressFamilyComplete",
    "NdisCmRegisterAddressFamilyEx",
    "NdisCmRegisterSapComplete",
    "NdisCoCreateVc",
    "NdisCoDeleteVc",
    "NdisCompleteBindAdapterEx",
    "NdisCompleteNetPnPEvent",
    "NdisCompleteUnbindAdapterEx",
    "NdisDeregisterProtocolDriver",
    "NdisFreeIoWorkItem",
    "NdisMCmActivateVc",
    "NdisMCmCloseAddressFamilyComplete",
    "NdisMCmCloseCallComplete",
    "NdisMCmCreateVc",
    "NdisMCmDeactivateVc",
    "NdisMCmDeleteVc",
    "NdisMCmDeregisterSapComplete",
    "NdisMCmDispatchCallConnected",
    "NdisMCmDispatchIncomingCall",
    "NdisMCmDispatchIncomingCloseCall",
    "NdisMCmMakeCallComplete",
    "NdisMCmNotifyCloseAddressFamily",
    "NdisMCmOpenAddressFamilyComplete",
    "NdisMCmRegisterAddressFamilyEx",
    "NdisMCmRegisterSapComplete",
    "NdisMCoActivateVcComplete",
    "NdisMCoDeactivateVcComplete",
    "NdisMDeregisterMiniportDriver",
    "NdisMPauseComplete",
    "NdisMRegisterMiniportDriver",
    "NdisMRestartComplete",
    "NdisMSetMiniportAttributes",
    "NdisOpenAdapterEx",
    "NdisQueueIoWorkItem",
    "NdisRegisterProtocolDriver",
    "NdisSetOptionalHandlers",
)
"""Names of the DDIs this module implements (checked against the module by a test)."""

__all__ = [
    "DDIS",
    "NDIS_HANDLE",
    "NdisAllocateIoWorkItem",
    "NdisClCloseAddressFamily",
    "NdisClCloseCall",
    "NdisClDeregisterSap",
    "NdisClIncomingCallComplete",
    "NdisClMakeCall",
    "NdisClNotifyCloseAddressFamilyComplete",
    "NdisClOpenAddressFamilyEx",
    "NdisClRegisterSap",
    "NdisCloseAdapterEx",
    "NdisCmActivateVc",
    "NdisCmCloseAddressFamilyComplete",
    "NdisCmCloseCallComplete",
    "NdisCmDeactivateVc",
    "NdisCmDeregisterSapComplete",
    "NdisCmDispatchCallConnected",
    "NdisCmDispatchIncomingCall",
    "NdisCmDispatchIncomingCloseCall",
    "NdisCmMakeCallComplete",
    "NdisCmNotifyCloseAddressFamily",
    "NdisCmOpenAddressFamilyComplete",
    "NdisCmRegisterAddressFamilyEx",
    "NdisCmRegisterSapComplete",
    "NdisCoCreateVc",
    "NdisCoDeleteVc",
    "NdisCompleteBindAdapterEx",
    "NdisCompleteNetPnPEvent",
    "NdisCompleteUnbindAdapterEx",
    "NdisDeregisterProtocolDriver",
    "NdisFreeIoWorkItem",
    "NdisMCmActivateVc",
    "NdisMCmCloseAddressFamilyComplete",
    "NdisMCmCloseCallComplete",
    "NdisMCmCreateVc",
    "NdisMCmDeactivateVc",
    "NdisMCmDeleteVc",
    "NdisMCmDeregisterSapComplete",
    "NdisMCmDispatchCallConnected",
    "NdisMCmDispatchIncomingCall",
    "NdisMCmDispatchIncomingCloseCall",
    "NdisMCmMakeCallComplete",
    "NdisMCmNotifyCloseAddressFamily",
    "NdisMCmOpenAddressFamilyComplete",
    "NdisMCmRegisterAddressFamilyEx",
    "NdisMCmRegisterSapComplete",
    "NdisMCoActivateVcComplete",
    "NdisMCoDeactivateVcComplete",
    "NdisMDeregisterMiniportDriver",
    "NdisMPauseComplete",
    "NdisMRegisterMiniportDriver",
    "NdisMRestartComplete",
    "NdisMSetMiniportAttributes",
    "NdisOpenAdapterEx",
    "NdisQueueIoWorkItem",
    "NdisRegisterProtocolDriver",
    "NdisSetOptionalHandlers",
]
__all__ += _constants.__all__
__all__ += _status.__all__
__all__ += _structures.__all__
