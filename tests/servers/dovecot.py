"""A throw-away Dovecot IMAP server for integration tests and benchmarks.

Each :class:`DovecotServer` runs its own ``dovecot -F -c <conf>`` master process with a private
``base_dir``, ``state_dir`` and log file, listening on free loopback ports. It never touches the
system Dovecot service. Mail lives in Maildir++ folders under ``<root>/mail/<user>`` owned by the
``vmail`` system user (created on first use), because Dovecot refuses to serve mail as root.

Typical use::

    with DovecotServer(tmp_path) as server:
        server.deliver("recruiter", "INBOX", raw_bytes)
        with server.connect("recruiter") as client:
            client.select_folder("INBOX")

With ``oauth2=OAuth2Passdb(introspection_url)`` the instance also offers ``AUTHENTICATE XOAUTH2``
and ``OAUTHBEARER`` and checks the bearer token with ``passdb { driver = oauth2 }``, which POSTs
it to the introspection endpoint (RFC 7662) of an identity provider such as
:class:`tests.servers.idp.IdentityProvider`::

    with IdentityProvider() as idp, DovecotServer(
        tmp_path, oauth2=OAuth2Passdb(idp.introspection_url)
    ) as server:
        with server.connect_oauth2("recruiter", idp.issue_access_token("recruiter")) as client:
            client.select_folder("INBOX")
        assert server.login_methods("recruiter") == ["XOAUTH2"]
"""

from __future__ import annotations

import atexit
import contextlib
import email.parser
import itertools
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from imapclient import IMAPClient, imap_utf7

__all__ = ["DovecotServer", "DovecotError", "OAuth2Passdb", "free_port"]

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
DOVEADM = shutil.which("doveadm") or "/usr/bin/doveadm"
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
VMAIL = "vmail"
START_TIMEOUT = 10.0

# Maildir info flags (":2,<letters>") and the IMAP system flags they stand for.
_MAILDIR_FLAGS = {
    "\\Draft": "D",
    "\\Flagged": "F",
    "\\Answered": "R",
    "\\Seen": "S",
    "\\Deleted": "T",
}
_SESSION_RE = re.compile(r"\bimap\((?P<user>[^)]*)\).*?\bin=(?P<in>\d+) out=(?P<out>\d+)")
_APPENDUID_RE = re.compile(rb"\[APPENDUID (\d+) (\d+)\]")
_LOGIN_RE = re.compile(
    r"-login: (?:Info: )?Login: user=<(?P<user>[^>]*)>, method=(?P<method>[\w-]+)"
)
_counter = itertools.count()


class DovecotError(RuntimeError):
    """The test Dovecot instance could not be started or driven."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _group_members(pgid: int) -> list[str]:
    """Command names of the live (non-zombie) processes in process group ``pgid``."""
    names = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat_line = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid pgrp ..." where comm may contain spaces or parentheses.
        comm = stat_line[stat_line.index("(") + 1 : stat_line.rindex(")")]
        fields = stat_line[stat_line.rindex(")") + 2 :].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            names.append(comm)
    return names


def _ensure_vmail() -> tuple[int, int]:
    """Create the ``vmail`` system user if missing and return its (uid, gid)."""
    try:
        entry = pwd.getpwnam(VMAIL)
    except KeyError:
        result = subprocess.run(
            [
                "useradd",
                "--system",
                "--user-group",
                "--no-create-home",
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/usr/sbin/nologin",
                VMAIL,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        try:  # A parallel test run may have created it in the meantime.
            entry = pwd.getpwnam(VMAIL)
        except KeyError:
            raise DovecotError(
                f"could not create system user {VMAIL!r}: {result.stderr.strip()}"
            ) from None
    return entry.pw_uid, entry.pw_gid


def _make_traversable(path: Path) -> None:
    """Give "others" search (x) permission on ``path`` and every ancestor.

    Dovecot's unprivileged processes (``dovecot`` for auth, ``vmail`` for mail) must be able to
    walk down to the config, passwd file and maildirs. pytest's ``/tmp/pytest-of-root`` is 0700;
    pytest resets it to 0700 itself on its next run.
    """
    for directory in [path, *path.parents]:
        mode = directory.stat().st_mode
        if not mode & stat.S_IXOTH:
            directory.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)


def _maildir_flags(flags: str | Iterable[str]) -> str:
    """Turn ``"SF"`` or ``["\\Seen", "\\Flagged"]`` into sorted Maildir info letters."""
    if isinstance(flags, str):
        letters = set(flags)
    else:
        letters = set()
        for flag in flags:
            if flag in _MAILDIR_FLAGS:
                letters.add(_MAILDIR_FLAGS[flag])
            elif len(flag) == 1 and flag in "DFRST":
                letters.add(flag)
            else:
                raise ValueError(f"unsupported Maildir flag {flag!r}")
    unknown = letters - set("DFRST")
    if unknown:
        raise ValueError(f"unsupported Maildir flag letters {sorted(unknown)}")
    return "".join(sorted(letters))


def _message_filename(size: int, flags: str) -> str:
    now = time.time()
    seconds = int(now)
    micros = int((now - seconds) * 1_000_000)
    return f"{seconds}.M{micros}P{os.getpid()}Q{next(_counter)}.ingestor-test,S={size}:2,{flags}"


@dataclass(frozen=True)
class OAuth2Passdb:
    """Settings of ``passdb { driver = oauth2 }`` (written to ``<root>/dovecot-oauth2.conf.ext``).

    Dovecot 2.3 sends the bearer token of an XOAUTH2/OAUTHBEARER login to
    ``introspection_url``: ``post`` as the form field ``token``, ``auth`` as a GET with
    ``Authorization: Bearer``, ``get`` appended to the URL (end it with ``?token=``). The login
    succeeds when the JSON answer has ``active_attribute == active_value`` and its
    ``username_attribute`` equals the SASL user name (lower-cased by Dovecot's default
    ``username_format = %Lu``).

    ``passwords=True`` keeps the users' passwords working for PLAIN/LOGIN (the oauth2 passdb
    then serves only XOAUTH2 and OAUTHBEARER, so a token is never accepted as a password);
    ``False`` leaves the oauth2 passdb alone, which then also takes a token as a PLAIN password.
    ``extra`` adds raw ``key = value`` lines (``scope``, ``rawlog_dir``, …).
    """

    introspection_url: str
    introspection_mode: Literal["post", "auth", "get"] = "post"
    username_attribute: str = "username"
    active_attribute: str | None = "active"
    active_value: str | None = "true"
    passwords: bool = True
    timeout_msecs: int = 5000
    debug: bool = False
    extra: Mapping[str, str] = field(default_factory=dict)

    def config(self) -> str:
        settings: dict[str, str] = {
            "introspection_url": self.introspection_url,
            "introspection_mode": self.introspection_mode,
            "force_introspection": "yes",
            "username_attribute": self.username_attribute,
            "timeout_msecs": str(self.timeout_msecs),
            "debug": "yes" if self.debug else "no",
        }
        if self.active_attribute is not None:
            settings["active_attribute"] = self.active_attribute
            if self.active_value is not None:
                settings["active_value"] = self.active_value
        settings.update(self.extra)
        return "".join(f"{key} = {value}\n" for key, value in settings.items())


class DovecotServer:
    """A private Dovecot 2.3 instance on 127.0.0.1 serving Maildir++ mailboxes.

    ``port`` is always a plaintext IMAP listener (LOGIN allowed without TLS). With ``tls=True``
    the same instance also listens with implicit TLS (imaps) on ``ssl_port``, using a freshly
    generated CA + server certificate; ``cafile`` is the CA to verify it with. With
    ``oauth2=OAuth2Passdb(...)`` it also accepts ``AUTHENTICATE XOAUTH2`` / ``OAUTHBEARER``
    checked by an identity provider's introspection endpoint (see :class:`OAuth2Passdb`).
    """

    def __init__(
        self,
        root: Path,
        users: dict[str, str] | None = None,
        condstore: bool = True,
        *,
        tls: bool = False,
        separator: str = "/",
        oauth2: OAuth2Passdb | None = None,
    ) -> None:
        self.root = Path(root).resolve()
        self.oauth2 = oauth2
        self._users = dict(users) if users is not None else {"recruiter": "secret"}
        self.condstore = condstore
        self.tls = tls
        self.separator = separator
        self.host = "127.0.0.1"
        self.port = 0
        self.ssl_port: int | None = None
        self.cafile: Path | None = None
        self.conf_path = self.root / "dovecot.conf"
        self.oauth2_conf_path = self.root / "dovecot-oauth2.conf.ext"
        self.log_path = self.root / "dovecot.log"
        self._stderr_path = self.root / "dovecot.stderr"
        self._mail_root = self.root / "mail"
        self._base_dir: Path | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._uid = -1
        self._gid = -1

    # ------------------------------------------------------------------ lifecycle

    @property
    def users(self) -> dict[str, str]:
        """Login name -> password of every configured user."""
        return dict(self._users)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> DovecotServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Write the config, start the master process and wait until IMAP answers."""
        if self.running:
            return
        self._uid, self._gid = _ensure_vmail()
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "state").mkdir(exist_ok=True)
        self._mail_root.mkdir(exist_ok=True)
        os.chown(self._mail_root, self._uid, self._gid)
        _make_traversable(self.root)
        for user in self._users:
            self._ensure_folder(user, "INBOX")
        self._write_users_file()
        if self.oauth2 is not None:
            self.oauth2_conf_path.write_text(self.oauth2.config())
            self.oauth2_conf_path.chmod(0o644)
        if self.tls and self.cafile is None:
            self._make_certificates()
        if not self.port:
            self.port = free_port()
        if self.tls and not self.ssl_port:
            self.ssl_port = free_port()
        # Sockets live in a short private dir: unix socket paths are limited to 108 bytes and
        # pytest's tmp_path can be long.
        self._base_dir = Path(tempfile.mkdtemp(prefix="dovecot-"))
        self._base_dir.chmod(0o755)
        self.conf_path.write_text(self._config())
        self._launch()
        atexit.register(self.stop)

    def stop(self) -> None:
        """Stop the master process (and its children) and remove the runtime directory.

        Dovecot's master lingers ~1 s after SIGTERM waiting for its log process; once every
        other child has exited the whole process group is killed instead, which makes a stop
        take ~0.1 s.
        """
        atexit.unregister(self.stop)
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            # Wait for the master to stop its services, then give live imap sessions a moment
            # to say BYE before the group is killed.
            deadline = time.monotonic() + 10
            grace: float | None = None
            while proc.poll() is None and time.monotonic() < deadline:
                left = set(_group_members(proc.pid)) - {"dovecot", "log", "stats"}
                if not left:
                    break
                if left <= {"imap"}:
                    grace = grace or time.monotonic() + 0.3
                    if time.monotonic() > grace:
                        break
                time.sleep(0.02)
            time.sleep(0.05)  # let the log process write the last lines
        if proc is not None:
            # Kills the lingering master/log pair and anything stuck in the group.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        if self._base_dir is not None:
            shutil.rmtree(self._base_dir, ignore_errors=True)
            self._base_dir = None

    def restart(self) -> None:
        """Stop and start again on the same ports with the same mail."""
        self.stop()
        self.start()

    def _launch(self) -> None:
        with self._stderr_path.open("ab") as err:
            self._proc = subprocess.Popen(
                [DOVECOT, "-F", "-c", str(self.conf_path)],
                stdin=subprocess.DEVNULL,
                stdout=err,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT
        ports = [self.port] + ([self.ssl_port] if self.ssl_port else [])
        pending = list(ports)
        while pending:
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self._proc = None
                raise DovecotError(f"dovecot exited with status {code}.\n{self._diagnostics()}")
            if time.monotonic() > deadline:
                self.stop()
                raise DovecotError(
                    f"dovecot did not accept connections on 127.0.0.1:{pending} within "
                    f"{START_TIMEOUT:.0f} s.\n{self._diagnostics()}"
                )
            try:
                with socket.create_connection((self.host, pending[0]), timeout=1):
                    pass
            except OSError:
                time.sleep(0.05)
                continue
            pending.pop(0)
        # The listener can accept before auth is ready; wait for a real greeting.
        while True:
            try:
                with socket.create_connection((self.host, self.port), timeout=2) as sock:
                    if sock.recv(200).startswith(b"* OK"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise DovecotError(f"dovecot sent no IMAP greeting.\n{self._diagnostics()}")
            time.sleep(0.05)

    def _diagnostics(self, lines: int = 30) -> str:
        parts = []
        for path in (self._stderr_path, self.log_path):
            if path.exists():
                tail = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"--- tail of {path} ---\n" + "\n".join(tail))
        return "\n".join(parts) or "(no dovecot output)"

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the Dovecot log, for assertion messages."""
        return self._diagnostics(lines)

    # ------------------------------------------------------------------ config

    def _write_users_file(self) -> None:
        path = self.root / "users"
        path.write_text("".join(f"{u}:{{PLAIN}}{p}::::::\n" for u, p in self._users.items()))
        path.chmod(0o644)

    def _make_certificates(self) -> None:
        tls_dir = self.root / "tls"
        tls_dir.mkdir(exist_ok=True)
        ca_key, ca_pem = tls_dir / "ca.key", tls_dir / "ca.pem"
        key, csr, pem = tls_dir / "server.key", tls_dir / "server.csr", tls_dir / "server.pem"
        ext = tls_dir / "server.ext"
        ext.write_text(
            "basicConstraints = critical, CA:FALSE\n"
            "keyUsage = critical, digitalSignature, keyEncipherment\n"
            "extendedKeyUsage = serverAuth\n"
            "subjectAltName = DNS:localhost, IP:127.0.0.1\n"
            "subjectKeyIdentifier = hash\n"
            "authorityKeyIdentifier = keyid, issuer\n"
        )
        commands = [
            [
                OPENSSL,
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-keyout",
                str(ca_key),
                "-out",
                str(ca_pem),
                "-subj",
                "/CN=ingestor test CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
            [
                OPENSSL,
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                str(key),
                "-out",
                str(csr),
                "-subj",
                "/CN=localhost",
            ],
            [
                OPENSSL,
                "x509",
                "-req",
                "-in",
                str(csr),
                "-CA",
                str(ca_pem),
                "-CAkey",
                str(ca_key),
                "-CAcreateserial",
                "-days",
                "2",
                "-out",
                str(pem),
                "-extfile",
                str(ext),
            ],
        ]
        for command in commands:
            result = subprocess.run(command, capture_output=True, text=True, check=False)
            if result.returncode:
                raise DovecotError(f"openssl failed: {' '.join(command)}\n{result.stderr}")
        self.cafile = ca_pem

    def _config(self) -> str:
        assert self._base_dir is not None
        tls_dir = self.root / "tls"
        if self.condstore:
            capability = "# CONDSTORE and QRESYNC are advertised by default"
        else:
            # Dovecot always implements CONDSTORE/QRESYNC; an explicit list hides them.
            capability = (
                "imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT "
                "SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND "
                "URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED "
                "I18NLEVEL=1 ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY "
                "MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY "
                "SPECIAL-USE"
            )
        if self.tls:
            ssl_settings = (
                "ssl = yes\n"
                f"ssl_cert = <{tls_dir / 'server.pem'}\n"
                f"ssl_key = <{tls_dir / 'server.key'}\n"
            )
            imaps = (
                "  inet_listener imaps {\n"
                f"    address = 127.0.0.1\n    port = {self.ssl_port}\n    ssl = yes\n  }}\n"
            )
        else:
            ssl_settings = "ssl = no\n"
            imaps = "  inet_listener imaps {\n    port = 0\n  }\n"
        return f"""# Generated by tests/servers/dovecot.py; do not edit.
instance_name = ingestor-test-{self.port}
base_dir = {self._base_dir}
state_dir = {self.root / "state"}
log_path = {self.log_path}
protocols = imap
listen = 127.0.0.1
{ssl_settings}disable_plaintext_auth = no
{self._auth_settings()}auth_failure_delay = 0
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:{self._mail_root}/%u
mail_fsync = never
{self._passdbs()}userdb {{
  driver = static
  args = uid={VMAIL} gid={VMAIL} home={self._mail_root}/%u
}}
namespace inbox {{
  inbox = yes
  separator = {self.separator}
  mailbox Sent {{
    special_use = \\Sent
  }}
  mailbox Drafts {{
    special_use = \\Drafts
  }}
  mailbox Trash {{
    special_use = \\Trash
  }}
  mailbox Junk {{
    special_use = \\Junk
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
{imaps}}}
protocol imap {{
  {capability}
  mail_max_userip_connections = 200
}}
"""

    def _auth_settings(self) -> str:
        if self.oauth2 is None:
            return "auth_mechanisms = plain login\n"
        # Without anvil's auth-penalty socket Dovecot skips its per-IP penalty (the next
        # login after a failure waits 2, 4, 8, then 15 s; login_trusted_networks does not lift
        # it in 2.3.19), so refused tokens do not slow down the logins after them.
        return (
            "auth_mechanisms = plain login xoauth2 oauthbearer\n"
            "auth_verbose = yes\n"
            "service anvil {\n  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n}\n"
        )

    def _passdbs(self) -> str:
        def passwd_file(mechanisms: str = "") -> str:
            return (
                "passdb {\n  driver = passwd-file\n"
                + mechanisms
                + f"  args = scheme=PLAIN username_format=%u {self.root / 'users'}\n}}\n"
            )

        if self.oauth2 is None:
            return passwd_file()
        # Dovecot tries the passdbs in order and goes on to the next after a failure, so each
        # one is limited to its own mechanisms: a token is never checked as a password.
        only_sasl = self.oauth2.passwords
        oauth2 = (
            "passdb {\n  driver = oauth2\n"
            + ("  mechanisms = xoauth2 oauthbearer\n" if only_sasl else "")
            + f"  args = {self.oauth2_conf_path}\n}}\n"
        )
        if not only_sasl:
            return oauth2
        return oauth2 + passwd_file("  mechanisms = plain login\n")

    # ------------------------------------------------------------------ maildirs

    def maildir(self, user: str) -> Path:
        """The Maildir++ root (= INBOX) of ``user``."""
        return self._mail_root / user

    def folder_path(self, user: str, folder: str) -> Path:
        """The directory holding ``folder`` (``INBOX`` is the Maildir root)."""
        if folder.upper() == "INBOX":
            return self.maildir(user)
        encoded = imap_utf7.encode(folder).decode("ascii")
        return self.maildir(user) / ("." + encoded.replace(self.separator, "."))

    def _ensure_folder(self, user: str, folder: str) -> Path:
        if user not in self._users:
            raise KeyError(f"unknown user {user!r}")
        if self._uid < 0:
            self._uid, self._gid = _ensure_vmail()
        home = self.maildir(user)
        path = self.folder_path(user, folder)
        created = [d for d in (self._mail_root, home, path) if not d.exists()]
        for sub in ("cur", "new", "tmp"):
            if not (path / sub).is_dir():
                (path / sub).mkdir(parents=True, exist_ok=True)
                created.append(path / sub)
        if path != home and not (path / "maildirfolder").exists():
            (path / "maildirfolder").touch()
            created.append(path / "maildirfolder")
            self._subscribe(user, folder)
        for item in created:
            os.chown(item, self._uid, self._gid)
        return path

    def _subscribe(self, user: str, folder: str) -> None:
        path = self.maildir(user) / "subscriptions"
        text = path.read_text() if path.exists() else ""
        # Names are stored mUTF-7 encoded with the storage's "." hierarchy separator (or TAB in
        # the "V\t2" format some Dovecot versions rewrite the file in).
        encoded = imap_utf7.encode(folder).decode("ascii")
        v2 = text.startswith("V\t2\n")
        entry = encoded.replace(self.separator, "\t" if v2 else ".")
        if entry in text.splitlines():
            return
        if text and not text.endswith("\n"):
            text += "\n"
        path.write_text(text + entry + "\n")
        os.chown(path, self._uid, self._gid)

    def deliver(
        self,
        user: str,
        folder: str,
        raw: bytes,
        flags: str | Iterable[str] = "S",
        internal_date: datetime | None = None,
    ) -> Path:
        """Write one message straight into ``folder``'s ``cur/`` and return its path.

        ``flags`` are Maildir letters (``"SF"``) or IMAP system flags (``["\\Seen"]``).
        ``internal_date`` becomes the file's mtime, which Dovecot reports as INTERNALDATE.
        Dovecot assigns the UID the next time a client opens the folder.
        """
        path = self._ensure_folder(user, folder)
        target = path / "cur" / _message_filename(len(raw), _maildir_flags(flags))
        tmp = path / "tmp" / target.name.split(":", 1)[0]
        tmp.write_bytes(raw)
        os.chown(tmp, self._uid, self._gid)
        if internal_date is not None:
            stamp = internal_date.timestamp()
            os.utime(tmp, (stamp, stamp))
        tmp.rename(target)
        return target

    def bulk_load(
        self,
        user: str,
        folder: str,
        messages: Iterable[bytes],
        flags: str | Iterable[str] = "S",
    ) -> int:
        """Write many messages into ``folder``'s ``cur/`` quickly; return how many.

        Files are written directly (no tmp/ rename, no per-file chown); ownership is fixed with
        one ``chown -R`` at the end. Do not let a client read the folder while this runs.
        """
        path = self._ensure_folder(user, folder)
        letters = _maildir_flags(flags)
        cur = path / "cur"
        pid = os.getpid()
        seconds = int(time.time())
        prefix = f"{seconds}.M"
        count = 0
        for count, raw in enumerate(messages, start=1):
            name = f"{prefix}{count}P{pid}Q{next(_counter)}.ingestor-test,S={len(raw)}:2,{letters}"
            with open(cur / name, "wb") as handle:
                handle.write(raw)
        subprocess.run(["chown", "-R", f"{self._uid}:{self._gid}", str(path)], check=True)
        return count

    # ------------------------------------------------------------------ IMAP helpers

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts this server's CA (``tls=True`` only)."""
        if self.cafile is None:
            raise DovecotError("server was not started with tls=True")
        return ssl.create_default_context(cafile=str(self.cafile))

    def connect(
        self, user: str | None = None, *, tls: bool = False, timeout: float = 10.0
    ) -> IMAPClient:
        """An :class:`IMAPClient`, logged in as ``user`` unless it is None.

        ``tls=True`` connects to ``ssl_port`` verifying against ``cafile``.
        """
        if tls:
            if self.ssl_port is None:
                raise DovecotError("server was not started with tls=True")
            client = IMAPClient(
                self.host,
                port=self.ssl_port,
                ssl=True,
                ssl_context=self.ssl_context(),
                timeout=timeout,
            )
        else:
            client = IMAPClient(self.host, port=self.port, ssl=False, timeout=timeout)
        if user is not None:
            try:
                client.login(user, self._users[user])
            except Exception:
                with contextlib.suppress(Exception):
                    client.shutdown()
                raise
        return client

    def connect_oauth2(
        self,
        user: str,
        token: str,
        *,
        mechanism: Literal["XOAUTH2", "OAUTHBEARER"] = "XOAUTH2",
        timeout: float = 10.0,
    ) -> IMAPClient:
        """An :class:`IMAPClient` logged in with ``AUTHENTICATE <mechanism>`` and ``token``.

        Raises imapclient's ``LoginError`` when Dovecot refuses the token.
        """
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=timeout)
        try:
            if mechanism == "XOAUTH2":
                client.oauth2_login(user, token)
            else:
                client.oauthbearer_login(user, token)
        except Exception:
            with contextlib.suppress(Exception):
                client.shutdown()
            raise
        return client

    def login_methods(
        self, user: str | None = None, min_logins: int = 0, timeout: float = 5.0
    ) -> list[str]:
        """The SASL mechanism of every successful login (``PLAIN``, ``XOAUTH2``, …), oldest
        first, from the ``Login: user=<…>, method=…`` log lines; waits up to ``timeout`` for
        at least ``min_logins`` of them (the log is written asynchronously). The IMAP
        ``LOGIN`` command is logged as ``PLAIN``."""
        deadline = time.monotonic() + timeout
        while True:
            methods = []
            if self.log_path.exists():
                for line in self.log_path.read_text(errors="replace").splitlines():
                    match = _LOGIN_RE.search(line)
                    if match and (user is None or match.group("user") == user):
                        methods.append(match.group("method"))
            if len(methods) >= min_logins or time.monotonic() > deadline:
                return methods
            time.sleep(0.05)

    def append(
        self,
        user: str,
        folder: str,
        raw: bytes,
        flags: Iterable[str] = (),
        internal_date: datetime | None = None,
    ) -> int:
        """APPEND ``raw`` over IMAP (creating the folder if needed); return its UID."""
        with self.connect(user) as client:
            if folder.upper() != "INBOX" and not client.folder_exists(folder):
                client.create_folder(folder)
                client.subscribe_folder(folder)
            response = client.append(folder, raw, flags=tuple(flags), msg_time=internal_date)
            match = _APPENDUID_RE.search(response)
            if match is None:
                raise DovecotError(f"APPEND gave no APPENDUID: {response!r}")
            return int(match.group(2))

    def uidvalidity(self, user: str, folder: str) -> int:
        """The folder's UIDVALIDITY as a client sees it (STATUS)."""
        with self.connect(user) as client:
            status = client.folder_status(folder, [b"UIDVALIDITY"])
            return int(status[b"UIDVALIDITY"])

    def reset_uidvalidity(self, user: str, folder: str) -> int:
        """Give ``folder`` a new, larger UIDVALIDITY and fresh UIDs; keep its messages.

        Kicks ``user``'s sessions, deletes the folder's ``dovecot-uidlist`` and index files (so
        Dovecot renumbers the messages from UID 1) and sets a UIDVALIDITY above the old one
        with ``doveadm mailbox update``. Returns the new value, verified over IMAP.
        """
        old = self.uidvalidity(user, folder)
        self.kill_connections(user)
        path = self.folder_path(user, folder)
        for pattern in ("dovecot-uidlist*", "dovecot.index*", "dovecot.list.index*"):
            for item in path.glob(pattern):
                item.unlink()
        for item in self.maildir(user).glob("dovecot.list.index*"):
            item.unlink()
        new = max(old + 1, int(time.time()))
        self.doveadm("mailbox", "update", "-u", user, "--uid-validity", str(new), folder)
        seen = self.uidvalidity(user, folder)
        if seen != new:
            raise DovecotError(f"UIDVALIDITY of {folder!r} is {seen}, expected {new} (was {old})")
        return new

    def doveadm(self, *args: str, check: bool = True) -> str:
        """Run ``doveadm -c <conf> ARGS`` against this instance and return its stdout."""
        result = subprocess.run(
            [DOVEADM, "-c", str(self.conf_path), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
        if check and result.returncode:
            raise DovecotError(
                f"doveadm {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}"
            )
        return result.stdout

    def connected_sessions(self, user: str) -> int:
        """How many IMAP sessions of ``user`` anvil currently knows about."""
        out = self.doveadm("who", "-1", user, check=False)
        return sum(1 for line in out.splitlines()[1:] if line.split() and line.split()[0] == user)

    def kill_connections(self, user: str, timeout: float = 5.0) -> None:
        """Drop every IMAP session of ``user`` (``doveadm kick``) and wait until they are gone.

        The client's next command then fails (imapclient raises ``IMAPClientAbortError`` or an
        ``OSError``).
        """
        self.doveadm("kick", user, check=False)
        deadline = time.monotonic() + timeout
        while self.connected_sessions(user):
            if time.monotonic() > deadline:
                raise DovecotError(f"sessions of {user!r} still alive after kick")
            time.sleep(0.05)

    def session_bytes(
        self, min_sessions: int = 0, timeout: float = 5.0, user: str | None = None
    ) -> list[tuple[int, int]]:
        """``(bytes_in, bytes_out)`` per finished IMAP session, oldest first, from the log.

        Dovecot logs ``in=… out=…`` when a session ends; the log is written asynchronously,
        so this waits up to ``timeout`` seconds for at least ``min_sessions`` entries.
        """
        deadline = time.monotonic() + timeout
        while True:
            sessions = []
            if self.log_path.exists():
                for line in self.log_path.read_text(errors="replace").splitlines():
                    match = _SESSION_RE.search(line)
                    if match and (user is None or match.group("user") == user):
                        sessions.append((int(match.group("in")), int(match.group("out"))))
            if len(sessions) >= min_sessions or time.monotonic() > deadline:
                return sessions
            time.sleep(0.05)

    def flags_snapshot(self, user: str) -> dict[tuple[str, str], frozenset[str]]:
        """``{(folder, message_id): flags}`` for every message of ``user``, read-only.

        Flags exclude ``\\Recent``. A message without a Message-ID, or whose Message-ID is not
        unique within its folder, is keyed by its Maildir base filename (Dovecot's X-GUID).
        """
        parser = email.parser.BytesHeaderParser()
        snapshot: dict[tuple[str, str], frozenset[str]] = {}
        with self.connect(user) as client:
            for folder_flags, _delim, name in client.list_folders():
                if b"\\Noselect" in folder_flags or b"\\NonExistent" in folder_flags:
                    continue
                info = client.select_folder(name, readonly=True)
                if not info.get(b"EXISTS"):
                    continue
                # imapclient 4.1's fetch() rejects "1:*" and sends UID lists verbatim, which
                # Dovecot refuses past ~64 KB: fetch in batches.
                uids = client.search(["ALL"])
                fetched: list[dict[bytes, Any]] = []
                for start in range(0, len(uids), 2000):
                    fetched.extend(
                        client.fetch(
                            uids[start : start + 2000],
                            ["FLAGS", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]", "X-GUID"],
                        ).values()
                    )
                rows = []
                for data in fetched:
                    header = next((v for k, v in data.items() if k.startswith(b"BODY[HEADER")), b"")
                    message_id = parser.parsebytes(header or b"").get("Message-ID") or ""
                    flags = frozenset(
                        f.decode() if isinstance(f, bytes) else str(f) for f in data[b"FLAGS"]
                    ) - {"\\Recent"}
                    guid = data.get(b"X-GUID", b"")
                    guid_text = guid.decode() if isinstance(guid, bytes) else str(guid)
                    rows.append((" ".join(message_id.split()), guid_text, flags))
                counts: dict[str, int] = {}
                for message_id, _, _ in rows:
                    counts[message_id] = counts.get(message_id, 0) + 1
                for message_id, guid_text, flags in rows:
                    key = message_id if message_id and counts[message_id] == 1 else guid_text
                    snapshot[(name, key)] = flags
        return snapshot

    def iter_message_files(self, user: str, folder: str) -> Iterator[Path]:
        """Message files of ``folder`` (``cur/`` and ``new/``)."""
        path = self.folder_path(user, folder)
        for sub in ("cur", "new"):
            yield from (path / sub).iterdir()
