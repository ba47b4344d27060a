"""The ``sopengine`` command: database, officials, serving."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from pydantic import ValidationError
from sqlalchemy.orm import Session

from sopengine.config import Settings, get_settings
from sopengine.db.session import make_engine, make_sessionmaker
from sopengine.domain.roles import Kind, Role
from sopengine.errors import SopError

Handler = Callable[[argparse.Namespace], int]


def upgrade_database() -> None:
    from sopengine.db import migrate

    engine = make_engine(get_settings())
    try:
        migrate.upgrade(engine)
    except migrate.SchemaAhead as exc:
        raise SystemExit(f"sopengine: refusing to start: {exc}") from None
    finally:
        engine.dispose()


def require_schema_at_head() -> None:
    """For ``serve --no-upgrade``: refuse a database this code's migrations do not match."""
    from sopengine.db import migrate

    engine = make_engine(get_settings())
    try:
        with engine.connect() as connection:
            state = migrate.schema_state(connection)
    finally:
        engine.dispose()
    if state.standing is not migrate.Standing.AT_HEAD:
        raise SystemExit(f"sopengine: refusing to start: {state.describe()}")


def _db_upgrade(_: argparse.Namespace) -> int:
    upgrade_database()
    print(f"database at head: {_safe_url()}")
    return 0


def _db_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sopengine.db import backup

    written = backup.backup(get_settings().database_url, Path(args.file))
    print(f"backed up {_safe_url()} to {written} ({written.stat().st_size:,} bytes)")
    return 0


def _db_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sopengine.db import backup

    backup.restore(get_settings().database_url, Path(args.file), replace=args.replace)
    print(f"restored {args.file} into {_safe_url()}; run sopengine db upgrade if it is older")
    return 0


@contextmanager
def _transaction() -> Iterator[Session]:
    """One command, one transaction, on the configured database."""
    engine = make_engine(get_settings())
    try:
        with make_sessionmaker(engine).begin() as session:
            yield session
    finally:
        engine.dispose()


@contextmanager
def _session() -> Iterator[Session]:
    """A session whose work may end its transaction early (an export ends it to render);
    what is pending at the end is committed, or rolled back on an error."""
    engine = make_engine(get_settings())
    try:
        with make_sessionmaker(engine)() as session:
            yield session
            session.commit()
    finally:
        engine.dispose()


def _officials_create(args: argparse.Namespace) -> int:
    from sopengine.services import invitations, officials

    settings = get_settings()
    new = officials.NewOfficial(
        name=args.name,
        roles=args.role,
        ministry=args.ministry,
        position=args.position or "",
        email=args.email,
        kind=Kind(args.kind),
    )
    with _transaction() as session:
        official = officials.create_official(session, None, new)
        if official.kind == Kind.SYSTEM:
            _, secret = officials.token_for_system(session, None, official)
        else:
            secret = invitations.issue(session, settings, None, official).url
    # Printed only once committed: a link or token shown is one that exists.
    ministry = f"; ministry: {official.ministry_code}" if official.ministry_code else ""
    print(
        f"created {official.kind} {official.id} ({official.name}; "
        f"roles: {', '.join(official.roles)}{ministry})"
    )
    if official.kind == Kind.SYSTEM:
        print("API token (shown once; store it now):")
    else:
        print(f"invitation link (one-time, valid {settings.invitation_hours} hours):")
    print(secret)
    return 0


def _officials_invite(args: argparse.Namespace) -> int:
    from sopengine.services import invitations, officials

    settings = get_settings()
    with _transaction() as session:
        person = officials.find_official(session, args.official)
        issued = invitations.issue(session, settings, None, person)
    print(f"invitation link for {person.name} (one-time, valid {settings.invitation_hours} hours):")
    print(issued.url)
    return 0


def _officials_active(args: argparse.Namespace, active: bool) -> int:
    from sopengine.services import officials

    with _transaction() as session:
        official = officials.find_official(session, args.official)
        officials.set_active(session, None, official, active)
    print(f"{official.name} is {'active' if active else 'deactivated; sessions and tokens ended'}")
    return 0


def _first_admin_invitation() -> None:
    """Until an admin has chosen a password, every start prints a fresh link for one."""
    from sopengine.services import invitations, officials

    settings = get_settings()
    with _transaction() as session:
        admin = officials.admin_without_password(session)
        if admin is None:
            return
        issued = invitations.issue(session, settings, None, admin)
    print(
        f"\nNo admin has signed in yet. {admin.name} chooses a password with this one-time link "
        f"(valid {settings.invitation_hours} hours):\n\n    {issued.url}\n",
        flush=True,
    )


def _officials_revoke(args: argparse.Namespace) -> int:
    from sopengine.services import officials

    with _transaction() as session:
        count = officials.revoke_tokens(session, None, officials.get_official(session, args.id))
    print(f"revoked {count} token(s) of official {args.id}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sopengine.services import exports, sops

    with _session() as session:
        if args.version is None:
            sop = sops.get_sop(session, args.code)
            number = sops.applied_number(sop) or sop.versions[-1].number
        else:
            number = args.version
        version = sops.get_version(session, args.code, number)
        print(
            f"rendering {args.code} version {number} ({args.lang or 'primary language'})…",
            file=sys.stderr,
        )
        exported = exports.export_version(session, None, version, args.lang)
    out = Path(args.output or exported.filename)
    out.write_bytes(exported.data)
    print(f"wrote {out} ({len(exported.data):,} bytes)")
    return 0


def _audit_verify(args: argparse.Namespace) -> int:
    from sopengine.services import audit, checkpoints

    keys = checkpoints.public_keys(get_settings(), args.public_key)
    with _transaction() as session:
        report = audit.verify(session, keys)
    if not report.ok:
        where = f" at event {report.first_bad_event}" if report.first_bad_event else ""
        print(
            f"audit chain BROKEN{where}: {report.reason} ({report.events_checked} events checked)",
            file=sys.stderr,
        )
        return 1
    print(
        f"audit chain intact: {report.events_checked} events checked, "
        f"{report.checkpoints_checked} checkpoints"
    )
    if not report.signatures_verified:
        print(
            "WARNING: no public key given or configured: checkpoint signatures were not "
            "checked, so a chain rewritten by whoever can write the database would pass",
            file=sys.stderr,
        )
    elif report.signed_up_to != report.events_checked:
        print(f"events after {report.signed_up_to or 0} are not covered by a signed checkpoint yet")
    return 0


def _audit_keygen(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from sopengine.domain import checkpoints

    private_path, public_path = Path(args.private_key), Path(args.public_key)
    for path in (private_path, public_path):
        if path.exists():
            raise SystemExit(f"{path} exists; refusing to overwrite a key")
    private, public = checkpoints.new_key_pair()
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(private)
    public_path.write_bytes(public)
    key_id = checkpoints.key_id(checkpoints.load_public_key(public))
    print(f"wrote {private_path} (private, mode 600) and {public_path} (key id {key_id})")
    print(f"set SOPENGINE_AUDIT_SIGNING_KEY={private_path.resolve()} for the worker")
    return 0


def _audit_checkpoint(_: argparse.Namespace) -> int:
    from sopengine.services import checkpoints

    key = checkpoints.signing_key(get_settings())
    if key is None:
        raise SystemExit("no audit signing key: set SOPENGINE_AUDIT_SIGNING_KEY")
    with _transaction() as session:
        made = checkpoints.make(session, key, "manual")
    if made is None:
        print("the audit log is empty; nothing to sign")
    else:
        print(f"checkpoint {made.id}: event {made.seq} ({made.event_hash[:12]}…) signed")
    return 0


def _secrets_new_key(_: argparse.Namespace) -> int:
    from sopengine import sealing

    print(sealing.new_key())
    return 0


def _secrets_rotate(_: argparse.Namespace) -> int:
    from sopengine import sealing
    from sopengine.services import webhooks

    try:
        with _transaction() as session:
            count = webhooks.reseal_secrets(session, get_settings())
    except sealing.SealError as exc:
        print(f"sopengine: {exc}; nothing was changed", file=sys.stderr)
        return 1
    print(f"{count} stored secrets sealed again with the first key of SOPENGINE_SECRET_KEY")
    return 0


def _worker(args: argparse.Namespace) -> int:
    import signal
    import threading

    from sopengine.observability import logs
    from sopengine.services import checkpoints, delivery, smtp_client

    settings = get_settings()
    logs.configure(settings.log_format)
    print(smtp_client.status_line(settings), flush=True)
    _check_audit_key(checkpoints.signing_key(settings) is not None)
    engine = make_engine(settings)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        sent = delivery.run(make_sessionmaker(engine), settings, once=args.once, stop=stop)
    finally:
        engine.dispose()
    print(f"worker stopped; {sent} deliveries attempted")
    return 0


def _check_audit_key(configured: bool) -> None:
    """Called with the key loaded: an unreadable key has already stopped the start."""
    if not configured:
        print(
            "WARNING: SOPENGINE_AUDIT_SIGNING_KEY is not set: the audit chain is not signed, "
            "so whoever can write the database could rewrite it undetected",
            file=sys.stderr,
        )


def _start_worker_thread() -> Callable[[], None]:
    """Deliver webhooks from a thread of this process; answers how to stop it gracefully."""
    import threading

    from sopengine.services import checkpoints, delivery

    settings = get_settings()
    _check_audit_key(checkpoints.signing_key(settings) is not None)
    factory = make_sessionmaker(make_engine(settings))
    stop = threading.Event()
    thread = threading.Thread(
        target=delivery.run,
        args=(factory, settings),
        kwargs={"stop": stop},
        name="webhook-worker",
        daemon=True,
    )
    thread.start()

    def finish() -> None:
        stop.set()
        thread.join(settings.shutdown_timeout_seconds)

    return finish


def _metrics_directory(workers: int) -> str | None:
    """Several worker processes share their metrics through files in one directory;
    answers the directory made here (removed after serving), if any."""
    import os
    import tempfile
    from pathlib import Path

    from sopengine.observability import MULTIPROCESS_DIR_ENV

    given = os.environ.get(MULTIPROCESS_DIR_ENV)
    if not given and workers > 1:
        made = tempfile.mkdtemp(prefix="sopengine-metrics-")
        os.environ[MULTIPROCESS_DIR_ENV] = made
        return made
    if given:
        # Files of an earlier run would be added to this one's counts.
        Path(given).mkdir(parents=True, exist_ok=True)
        for stale in Path(given).glob("*.db"):
            stale.unlink()
    return None


def _serve(args: argparse.Namespace) -> int:
    import shutil
    import signal

    from sopengine.observability import logs
    from sopengine.services import smtp_client

    # Before anything imports prometheus_client, which reads the directory once.
    made_metrics_dir = _metrics_directory(args.workers)
    settings = get_settings()
    logs.configure(settings.log_format, args.log_level)
    if args.no_upgrade:
        require_schema_at_head()
    else:
        upgrade_database()
        _first_admin_invitation()
    print(smtp_client.status_line(settings), flush=True)
    finish_worker = _start_worker_thread() if args.with_worker else None
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again with the
    # handler it found: this one, so that the worker thread and the metrics directory
    # are cleaned up too and the exit status says "stopped as asked" (0).
    signal.signal(signal.SIGTERM, _stop_serving)
    try:
        _run_uvicorn(args, settings)
    except _Stopped:
        pass
    finally:
        if finish_worker is not None:
            finish_worker()
        if made_metrics_dir:
            shutil.rmtree(made_metrics_dir, ignore_errors=True)
    return 0


class _Stopped(Exception):
    """SIGTERM arrived and uvicorn has finished its graceful shutdown."""


def _stop_serving(*_: object) -> None:
    raise _Stopped


def _run_uvicorn(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    from sopengine.observability import logs

    uvicorn.run(
        "sopengine.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        http="httptools",
        loop="uvloop",
        proxy_headers=True,
        log_level=args.log_level,
        log_config=logs.logging_config(settings.log_format, args.log_level),
        access_log=False,
        timeout_graceful_shutdown=int(settings.shutdown_timeout_seconds),
        # A busy host can take longer than uvicorn's 5 s to start a worker process; one
        # killed for it would be restarted, and killed again.
        timeout_worker_healthcheck=60,
    )


def _safe_url() -> str:
    from sqlalchemy.engine import make_url

    return make_url(get_settings().database_url).render_as_string(hide_password=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sopengine", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="database schema").add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("upgrade", help="apply all migrations").set_defaults(handler=_db_upgrade)
    backup = db.add_parser(
        "backup", help="SQLite: copy the live database to FILE (safe while serving)"
    )
    backup.add_argument("file", help="the backup file to write (must not exist)")
    backup.set_defaults(handler=_db_backup)
    restore = db.add_parser("restore", help="SQLite: copy a backup FILE into the database")
    restore.add_argument("file", help="a file written by sopengine db backup")
    restore.add_argument(
        "--replace",
        action="store_true",
        help="overwrite a database that already holds data (stop the service first)",
    )
    restore.set_defaults(handler=_db_restore)

    off = sub.add_parser("officials", help="manage officials").add_subparsers(
        dest="officials_command", required=True
    )
    create = off.add_parser(
        "create",
        help="create an official; prints a person's invitation link, or a system's API token, last",
    )
    create.add_argument("--name", required=True)
    create.add_argument(
        "--role",
        action="append",
        required=True,
        choices=[r.value for r in Role],
    )
    create.add_argument("--ministry", help="ministry code, e.g. MOI (not for facilitators/admins)")
    create.add_argument("--position")
    create.add_argument("--email", help="a person signs in with it")
    create.add_argument(
        "--kind",
        choices=[k.value for k in Kind],
        default=Kind.PERSON.value,
        help="person (default: invited to choose a password) or system (a ministry's system)",
    )
    create.set_defaults(handler=_officials_create)
    invite = off.add_parser(
        "invite",
        help="print a new invitation link (earlier ones stop working; a password is reset)",
    )
    invite.add_argument("official", help="the official's id, e-mail address or exact name")
    invite.set_defaults(handler=_officials_invite)
    for name, active in (("deactivate", False), ("activate", True)):
        cmd = off.add_parser(
            name,
            help=f"{name} an official (deactivating ends its sessions and tokens)"
            if not active
            else "reactivate an official",
        )
        cmd.add_argument("official", help="the official's id, e-mail address or exact name")
        cmd.set_defaults(handler=lambda a, active=active: _officials_active(a, active))
    revoke = off.add_parser("revoke", help="revoke every API token of an official")
    revoke.add_argument("--id", type=int, required=True, help="the official's id")
    revoke.set_defaults(handler=_officials_revoke)

    export = sub.add_parser("export", help="write a version as a Word file")
    export.add_argument("code", help="the SOP's code, e.g. SOP-RR-001")
    export.add_argument("--version", type=int, help="default: the applied version, else the latest")
    export.add_argument(
        "--lang", choices=["en", "ar", "bilingual"], help="default: primary language"
    )
    export.add_argument("-o", "--output", help="file to write (default: CODE_vN_LANG.docx)")
    export.set_defaults(handler=_export)

    aud = sub.add_parser("audit", help="the audit log").add_subparsers(
        dest="audit_command", required=True
    )
    verify = aud.add_parser(
        "verify", help="verify the hash chain and its signed checkpoints; exit 1 when broken"
    )
    verify.add_argument(
        "--public-key",
        help="PEM file of the audit public key, or of several after a rotation (default: "
        "SOPENGINE_AUDIT_PUBLIC_KEY, or the public half of SOPENGINE_AUDIT_SIGNING_KEY)",
    )
    verify.set_defaults(handler=_audit_verify)
    keygen = aud.add_parser("keygen", help="write a new Ed25519 key pair for checkpoints")
    keygen.add_argument("--private-key", default="audit-signing.pem")
    keygen.add_argument("--public-key", default="audit-public.pem")
    keygen.set_defaults(handler=_audit_keygen)
    aud.add_parser(
        "checkpoint", help="sign the chain head now (the worker does it every N events and daily)"
    ).set_defaults(handler=_audit_checkpoint)

    keys = sub.add_parser("secrets", help="the key sealing stored secrets").add_subparsers(
        dest="secrets_command", required=True
    )
    keys.add_parser("new-key", help="print a new key for SOPENGINE_SECRET_KEY").set_defaults(
        handler=_secrets_new_key
    )
    keys.add_parser(
        "rotate",
        help="seal every stored secret with the first key of SOPENGINE_SECRET_KEY (the others "
        "only open); then the old keys can be removed",
    ).set_defaults(handler=_secrets_rotate)

    serve = sub.add_parser("serve", help="upgrade the database and run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--log-level", default="info")
    serve.add_argument("--no-upgrade", action="store_true", help="do not run migrations first")
    serve.add_argument(
        "--with-worker",
        action="store_true",
        help="also deliver webhooks and e-mail notices from this process",
    )

    worker = sub.add_parser(
        "worker", help="deliver webhooks and e-mail notices from the outbox until stopped"
    )
    worker.add_argument("--once", action="store_true", help="drain what is due, then exit")
    worker.set_defaults(handler=_worker)
    serve.set_defaults(handler=_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except ValidationError as exc:
        if exc.title != "Settings":
            raise
        # The SOPENGINE_* environment refuses to load (e.g. production without a key).
        print(f"sopengine: the settings are not valid: {exc}", file=sys.stderr)
        return 2
    except SopError as exc:
        print(f"sopengine: {exc.detail}", file=sys.stderr)
        for error in getattr(exc, "errors", []):
            print(f"  {error['pointer']}: {error['detail']}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
