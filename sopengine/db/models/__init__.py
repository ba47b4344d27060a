"""All tables; importing this package registers every model on ``Base.metadata``."""

from sopengine.db.models.audit import AuditCheckpoint, AuditEvent
from sopengine.db.models.export import ExportRecord
from sopengine.db.models.idempotency import IdempotencyKey
from sopengine.db.models.identity import Invitation, SignInAttempt, WebSession
from sopengine.db.models.ministry import Ministry
from sopengine.db.models.notice import Notice, NoticeAttempt, NoticePreference, SignoffReminder
from sopengine.db.models.official import ApiToken, Official
from sopengine.db.models.review import Comment, SignOff
from sopengine.db.models.search import SopSearchDocument
from sopengine.db.models.sop import Sop, SopVersion, VersionMinistry
from sopengine.db.models.webhook import (
    ReviewReminder,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)

__all__ = [
    "ApiToken",
    "AuditCheckpoint",
    "AuditEvent",
    "Comment",
    "ExportRecord",
    "IdempotencyKey",
    "Invitation",
    "Ministry",
    "Notice",
    "NoticeAttempt",
    "NoticePreference",
    "Official",
    "ReviewReminder",
    "SignInAttempt",
    "SignOff",
    "SignoffReminder",
    "Sop",
    "SopSearchDocument",
    "SopVersion",
    "VersionMinistry",
    "WebSession",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEvent",
    "WebhookSubscription",
]
