"""Cooperation records, one module per mechanism: hotline, wanted notices, assistance
requests, joint cases, patrols, agreements (with meetings, action items and capacity
projects); ``common`` holds what they share (attachments).

Only the origin node changes a record. What the partner contributes (a receipt, a status
event, a response, a joint-case entry, a patrol result) is its own linked record, so that
every piece has exactly one writer and travels through the federation like any other record.

Django finds the app's models here, so every model is imported below; choices and other
names are imported from their mechanism's module.
"""

from liaison.cooperation.models.agreements import ActionItem, Agreement, CapacityProject, Meeting
from liaison.cooperation.models.common import Attachment
from liaison.cooperation.models.hotline import Channel, Message, MessageReceipt, ReceiptKind
from liaison.cooperation.models.joint import JointCase, JointCaseEntry
from liaison.cooperation.models.patrols import Patrol, PatrolResult
from liaison.cooperation.models.requests import AssistanceRequest, RequestResponse
from liaison.cooperation.models.wanted import WantedEvent, WantedNotice

__all__ = [
    "ActionItem",
    "Agreement",
    "AssistanceRequest",
    "Attachment",
    "CapacityProject",
    "Channel",
    "JointCase",
    "JointCaseEntry",
    "Meeting",
    "Message",
    "MessageReceipt",
    "Patrol",
    "PatrolResult",
    "ReceiptKind",  # tests compare receipt kinds
    "RequestResponse",
    "WantedEvent",
    "WantedNotice",
]
