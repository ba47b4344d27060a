"""The ``sopengine`` command: database, officials, serving."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy.orm import Session

from sopengine.config import PROJECT_ROOT, get_settings
from sopengine.db.session import make_engine, make_sessionmaker
from sopengine.domain.roles import Kind, Role
from sopengine.errors import SopError

Handler = Callable[[argparse.Namespace], int]


def upgrade_database() -> None:
    from alembic import command
    from alembic.config import Config

    ini = PROJECT_ROOT / "alembic.ini"
    if not ini.is_file():
        raise SystemExit(
            f"alembic.ini not found at {ini}; install sopengine from its checkout (pip install -e .)"
        )
    config = Config(str(ini))
    config.attributes["configure_logging"] = False
    command.upgrade(config, "head")


def _db_upgrade(_: argparse.Namespace) -> int:
    upgrade_database()
    print(f"database at head: {_safe_url()}")
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
            secret = officials.token_for_system(session, None, official)
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


def _audit_verify(_: argparse.Namespace) -> int:
    from sopengine.services import audit

    with _transaction() as session:
        report = audit.verify(session)
    if report.ok:
        print(f"audit chain intact: {report.events_checked} events checked")
        return 0
    print(
        f"audit chain BROKEN at event {report.first_bad_event}: {report.reason} "
        f"({report.events_checked} events checked)",
        file=sys.stderr,
    )
    return 1


def _worker(args: argparse.Namespace) -> int:
    import signal
    import threading

    from sopengine.services import delivery

    settings = get_settings()
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


def _start_worker_thread() -> None:
    import threading

    from sopengine.services import delivery

    settings = get_settings()
    factory = make_sessionmaker(make_engine(settings))
    threading.Thread(
        target=delivery.run, args=(factory, settings), name="webhook-worker", daemon=True
    ).start()


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    if not args.no_upgrade:
        upgrade_database()
        _first_admin_invitation()
    if args.with_worker:
        _start_worker_thread()
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
    )
    return 0


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
    aud.add_parser("verify", help="verify the hash chain; exit 1 when broken").set_defaults(
        handler=_audit_verify
    )

    serve = sub.add_parser("serve", help="upgrade the database and run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--log-level", default="info")
    serve.add_argument("--no-upgrade", action="store_true", help="do not run migrations first")
    serve.add_argument(
        "--with-worker", action="store_true", help="also deliver webhooks from this process"
    )

    worker = sub.add_parser("worker", help="deliver webhooks from the outbox until stopped")
    worker.add_argument("--once", action="store_true", help="drain what is due, then exit")
    worker.set_defaults(handler=_worker)
    serve.set_defaults(handler=_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except SopError as exc:
        print(f"sopengine: {exc.detail}", file=sys.stderr)
        for error in getattr(exc, "errors", []):
            print(f"  {error['pointer']}: {error['detail']}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
