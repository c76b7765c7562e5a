"""ndis.h as data: statuses, constants, structures, OIDs, NET_BUFFER_LIST types and handles.

Nothing here simulates anything; drivers reach these names through ``condis_edu.ndis``.
"""
