"""The console's tables live with the rest of central's (central/models.py); this module
names them for the console's code."""

from central.models import (
    AuditEntry,
    ExceptionResolution,
    OrderAssignment,
    StaffAccount,
    WebSession,
)

__all__ = ["AuditEntry", "ExceptionResolution", "OrderAssignment", "StaffAccount", "WebSession"]
