"""The NDIS mirror: what a driver imports, as a C driver includes ndis.h.

Every DDI keeps Microsoft's name and parameter order. Out-parameters come back as a tuple
with the status first::

    Status, NdisVcHandle = NdisCoCreateVc(NdisBindingHandle, NdisAfHandle, ProtocolVcContext)

Handlers a driver registers follow the same convention (``MiniportCoCreateVc`` returns
``(Status, MiniportVcContext)``). Structures, statuses and constants are re-exported here
too, so ``from condis_edu.ndis import *`` gives a driver everything ndis.h would.

Two additions that ndis.h does not have, named in PEP 8 style because they are ours:
``fill_header`` (fills a structure's ``NDIS_OBJECT_HEADER``), and the intermediate driver's
handler rules as data: ``IM_REQUIRED``, ``IM_OPTIONAL`` and ``IM_MUST_BE_NULL`` name the
``NDIS_MINIPORT_DRIVER_CHARACTERISTICS`` handlers an IM's virtual miniport must supply, may
supply, and must leave NULL (the registration checks them against the same tuples).
"""

from __future__ import annotations

from condis_edu._library import boundary as _boundary
from condis_edu._library.ddi import pools as _pools
from condis_edu._library.ddi.adapters import (
    NdisAllocateIoWorkItem,
    NdisFreeIoWorkItem,
    NdisMPauseComplete,
    NdisMRestartComplete,
    NdisMSetMiniportAttributes,
    NdisQueueIoWorkItem,
)
from condis_edu._library.ddi.afs import (
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
from condis_edu._library.ddi.bindings import (
    NdisCloseAdapterEx,
    NdisCompleteBindAdapterEx,
    NdisCompleteNetPnPEvent,
    NdisCompleteUnbindAdapterEx,
    NdisOpenAdapterEx,
)
from condis_edu._library.ddi.calls import (
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
from condis_edu._library.ddi.connectionless import (
    NdisMIndicateReceiveNetBufferLists,
    NdisMOidRequestComplete,
    NdisMSendNetBufferListsComplete,
    NdisOidRequest,
    NdisSendNetBufferLists,
)
from condis_edu._library.ddi.datapath import (
    NdisCoSendNetBufferLists,
    NdisMCoIndicateReceiveNetBufferLists,
    NdisMCoSendNetBufferListsComplete,
    NdisReturnNetBufferLists,
)
from condis_edu._library.ddi.intermediate import (
    IM_MUST_BE_NULL,
    IM_OPTIONAL,
    IM_REQUIRED,
    NdisIMAssociateMiniport,
    NdisIMCancelInitializeDeviceInstance,
    NdisIMDeInitializeDeviceInstance,
    NdisIMInitializeDeviceInstanceEx,
)
from condis_edu._library.ddi.pools import *  # noqa: F403
from condis_edu._library.ddi.pools import (
    NdisAllocateMdl,
    NdisAllocateNetBuffer,
    NdisAllocateNetBufferAndNetBufferList,
    NdisAllocateNetBufferList,
    NdisAllocateNetBufferListContext,
    NdisAllocateNetBufferListPool,
    NdisAllocateNetBufferPool,
    NdisFreeMdl,
    NdisFreeNetBuffer,
    NdisFreeNetBufferList,
    NdisFreeNetBufferListContext,
    NdisFreeNetBufferListPool,
    NdisFreeNetBufferPool,
    NdisGetDataBuffer,
    NdisGetPoolFromNetBufferList,
)
from condis_edu._library.ddi.registration import (
    NdisDeregisterProtocolDriver,
    NdisMDeregisterMiniportDriver,
    NdisMRegisterMiniportDriver,
    NdisRegisterProtocolDriver,
    NdisSetOptionalHandlers,
)
from condis_edu._library.ddi.requests import (
    NdisCoOidRequest,
    NdisCoOidRequestComplete,
    NdisMCoIndicateStatusEx,
    NdisMCoOidRequestComplete,
    NdisMResetComplete,
)
from condis_edu._library.ddi.vcs import (
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
from condis_edu._library.headers import fill_header
from condis_edu.mirror import constants as _constants
from condis_edu.mirror import nbl as _nbl
from condis_edu.mirror import oids as _oids
from condis_edu.mirror import status as _status
from condis_edu.mirror import structures as _structures
from condis_edu.mirror.constants import *  # noqa: F403
from condis_edu.mirror.handles import NDIS_HANDLE
from condis_edu.mirror.nbl import *  # noqa: F403
from condis_edu.mirror.oids import *  # noqa: F403
from condis_edu.mirror.status import *  # noqa: F403
from condis_edu.mirror.structures import *  # noqa: F403

__all__ = [
    "DDIS",
    "IM_MUST_BE_NULL",
    "IM_OPTIONAL",
    "IM_REQUIRED",
    "NDIS_HANDLE",
    "NdisAllocateIoWorkItem",
    "NdisAllocateMdl",
    "NdisAllocateNetBuffer",
    "NdisAllocateNetBufferAndNetBufferList",
    "NdisAllocateNetBufferList",
    "NdisAllocateNetBufferListContext",
    "NdisAllocateNetBufferListPool",
    "NdisAllocateNetBufferPool",
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
    "NdisCoOidRequest",
    "NdisCoOidRequestComplete",
    "NdisCoSendNetBufferLists",
    "NdisCompleteBindAdapterEx",
    "NdisCompleteNetPnPEvent",
    "NdisCompleteUnbindAdapterEx",
    "NdisDeregisterProtocolDriver",
    "NdisFreeIoWorkItem",
    "NdisFreeMdl",
    "NdisFreeNetBuffer",
    "NdisFreeNetBufferList",
    "NdisFreeNetBufferListContext",
    "NdisFreeNetBufferListPool",
    "NdisFreeNetBufferPool",
    "NdisGetDataBuffer",
    "NdisGetPoolFromNetBufferList",
    "NdisIMAssociateMiniport",
    "NdisIMCancelInitializeDeviceInstance",
    "NdisIMDeInitializeDeviceInstance",
    "NdisIMInitializeDeviceInstanceEx",
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
    "NdisMCoIndicateReceiveNetBufferLists",
    "NdisMCoIndicateStatusEx",
    "NdisMCoOidRequestComplete",
    "NdisMCoSendNetBufferListsComplete",
    "NdisMDeregisterMiniportDriver",
    "NdisMIndicateReceiveNetBufferLists",
    "NdisMOidRequestComplete",
    "NdisMPauseComplete",
    "NdisMRegisterMiniportDriver",
    "NdisMResetComplete",
    "NdisMRestartComplete",
    "NdisMSendNetBufferListsComplete",
    "NdisMSetMiniportAttributes",
    "NdisOidRequest",
    "NdisOpenAdapterEx",
    "NdisQueueIoWorkItem",
    "NdisRegisterProtocolDriver",
    "NdisReturnNetBufferLists",
    "NdisSendNetBufferLists",
    "NdisSetOptionalHandlers",
    "fill_header",
]
DDIS: tuple[str, ...] = tuple(name for name in __all__ if name.startswith("Ndis"))
"""Names of the DDIs this module implements (checked against the module by a test)."""

_boundary.guard_all(globals(), DDIS)  # every DDI checks its arguments before it changes anything

__all__ += _constants.__all__
__all__ += _status.__all__
__all__ += _structures.__all__
__all__ += [n for n in _nbl.__all__ if n not in __all__]
__all__ += [n for n in _oids.__all__ if n not in __all__]
__all__ += [n for n in _pools.__all__ if n not in __all__]
