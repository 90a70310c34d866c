"""Where files meet the fulfilment provider: a local (or mounted) folder, or an SFTP account.

Both drops write atomically (``name.part`` first, then a rename), so the provider never reads half
an order file, and both ignore names that look like files still being copied to us (``.part``,
``.tmp``, hidden and editor files) — the importer adds its own checks (size, closing tag).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from core.config import ThirdPartyProvider
from core.errors import PackdeskError, UserInputError

TEMP_SUFFIXES = (".part", ".tmp", ".partial", ".filepart", ".crdownload", ".swp", "~")


class DropUnavailable(PackdeskError):
    """The provider's folder or SFTP server cannot be reached right now."""


NAME_MAX = 255  # bytes in one file name on every file system we meet


class UnsafeFile(PackdeskError):
    """An inbound entry Packdesk will not read: a link, not a regular file, or too big."""


@dataclass(frozen=True)
class InboxFile:
    name: str
    size: int
    mtime: float  # seconds since the epoch
    regular: bool = True  # False: a link or anything else that is not a plain file


def too_big(size: int, cfg: ThirdPartyProvider) -> str | None:
    limit = int(cfg.max_file_mb * 1024 * 1024)
    if size > limit:
        return (
            f"The file is {size / 1024 / 1024:.0f} MB; files over {cfg.max_file_mb:g} MB are "
            "not read (thirdparty.providers.<name>.max_file_mb)."
        )
    return None


def read_regular_file(path: Path, cfg: ThirdPartyProvider) -> bytes:
    """The bytes of a regular file, never through a link, never more than the size cap."""
    try:
        # O_NOFOLLOW: a link is refused by the kernel, not checked first and raced after.
        # O_NONBLOCK: a FIFO dropped into the inbox does not hang the import.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if os.path.islink(path):
            raise UnsafeFile("The entry is a symbolic link; only plain files are read.") from None
        raise UnsafeFile(f"The file cannot be opened: {exc.strerror}.") from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFile("The entry is not a plain file; only plain files are read.")
        if reason := too_big(st.st_size, cfg):
            raise UnsafeFile(reason)
        data = f.read(int(cfg.max_file_mb * 1024 * 1024) + 1)
    if reason := too_big(len(data), cfg):  # grew while we read it
        raise UnsafeFile(reason)
    return data


def is_candidate(name: str) -> bool:
    """An inbound file worth looking at: an .xml name that is not a temporary one."""
    lower = name.lower()
    return (
        lower.endswith(".xml")
        and not lower.startswith((".", "~"))
        and not lower.endswith(TEMP_SUFFIXES)
    )


def stamped(name: str) -> str:
    """A name for the archive or error folder that never overwrites an earlier file.

    Room is left for the stamp and a `.reason.txt` beside it: a name near the 255-byte limit is
    shortened (keeping a hash of the whole, so two long names stay apart) instead of failing.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-"
    room = NAME_MAX - len(stamp) - len(".reason.txt")
    encoded = name.encode("utf-8", "surrogateescape")
    if len(encoded) > room:
        digest = hashlib.sha256(encoded).hexdigest()[:12]
        keep = encoded[: room - len(digest) - 5].decode("utf-8", "ignore")
        name = f"{keep}-{digest}.xml"
    return stamp + name


class Drop(Protocol):
    async def put(self, name: str, data: bytes) -> None: ...

    async def inbox(self) -> list[InboxFile]: ...

    async def read(self, name: str) -> bytes: ...

    async def archive(self, name: str) -> str: ...

    async def reject(self, name: str, reason: str) -> str: ...

    async def close(self) -> None: ...


class LocalDrop:
    """A folder on this machine (or a share mounted here)."""

    def __init__(self, cfg: ThirdPartyProvider) -> None:
        if cfg.path is None:
            raise UserInputError("thirdparty provider of kind 'folder' needs a path")
        self.root = cfg.path
        self.cfg = cfg

    def _dir(self, sub: str) -> Path:
        path = self.root / sub
        path.mkdir(parents=True, exist_ok=True)
        return path

    async def put(self, name: str, data: bytes) -> None:
        def write() -> None:
            target = self._dir(self.cfg.outbox_dir) / name
            temp = target.with_name(target.name + ".part")
            temp.write_bytes(data)
            os.replace(temp, target)

        await asyncio.to_thread(write)

    async def inbox(self) -> list[InboxFile]:
        def scan() -> list[InboxFile]:
            out = []
            for entry in os.scandir(self._dir(self.cfg.inbox_dir)):
                if not is_candidate(entry.name) or entry.is_dir(follow_symlinks=False):
                    continue
                st = entry.stat(follow_symlinks=False)  # the link itself, never its target
                regular = entry.is_file(follow_symlinks=False)
                out.append(InboxFile(entry.name, st.st_size, st.st_mtime, regular))
            return sorted(out, key=lambda f: (f.mtime, f.name))

        return await asyncio.to_thread(scan)

    async def read(self, name: str) -> bytes:
        return await asyncio.to_thread(
            read_regular_file, self._dir(self.cfg.inbox_dir) / name, self.cfg
        )

    async def archive(self, name: str) -> str:
        target = stamped(name)
        await asyncio.to_thread(
            os.replace,
            self._dir(self.cfg.inbox_dir) / name,
            self._dir(self.cfg.archive_dir) / target,
        )
        return target

    async def reject(self, name: str, reason: str) -> str:
        target = stamped(name)

        def move() -> None:
            errors = self._dir(self.cfg.error_dir)
            (errors / (target + ".reason.txt")).write_text(reason + "\n", encoding="utf-8")
            os.replace(self._dir(self.cfg.inbox_dir) / name, errors / target)

        await asyncio.to_thread(move)
        return target

    async def close(self) -> None:
        return None


class SftpDrop:
    """An SFTP account at the provider (or ours, where the provider logs in). Key auth only."""

    def __init__(self, cfg: ThirdPartyProvider) -> None:
        if not cfg.host or not cfg.username or cfg.key_path is None:
            raise UserInputError(
                "thirdparty provider of kind 'sftp' needs host, username and key_path"
            )
        self.cfg = cfg
        self._conn: Any = None
        self._sftp: Any = None
        self._made: set[str] = set()

    async def _client(self) -> Any:
        if self._sftp is None:
            import asyncssh

            options: dict[str, Any] = {
                "username": self.cfg.username,
                "client_keys": [str(self.cfg.key_path)],
                "port": self.cfg.port,
                "connect_timeout": self.cfg.timeout_s,
                "agent_path": None,
                "password": None,
            }
            if self.cfg.known_hosts is not None:
                options["known_hosts"] = str(self.cfg.known_hosts)
            try:
                self._conn = await asyncssh.connect(self.cfg.host, **options)
                self._sftp = await self._conn.start_sftp_client()
            except (OSError, asyncssh.Error) as exc:
                raise DropUnavailable(
                    f"SFTP {self.cfg.username}@{self.cfg.host}:{self.cfg.port} is not reachable: {exc}"
                ) from exc
        return self._sftp

    def _path(self, sub: str, name: str = "") -> str:
        base = PurePosixPath(str(self.cfg.path)) if self.cfg.path else PurePosixPath(".")
        path = base / sub
        return str(path / name) if name else str(path)

    async def _ensure(self, sub: str) -> None:
        if sub not in self._made:
            await (await self._client()).makedirs(self._path(sub), exist_ok=True)
            self._made.add(sub)

    async def _move(self, source: str, target: str) -> None:
        sftp = await self._client()
        try:
            await sftp.posix_rename(source, target)
        except Exception:  # servers without the posix-rename extension: plain SFTP rename
            await sftp.rename(source, target)

    async def put(self, name: str, data: bytes) -> None:
        await self._ensure(self.cfg.outbox_dir)
        sftp = await self._client()
        temp = self._path(self.cfg.outbox_dir, name + ".part")
        async with sftp.open(temp, "wb") as f:
            await f.write(data)
        await self._move(temp, self._path(self.cfg.outbox_dir, name))

    async def inbox(self) -> list[InboxFile]:
        await self._ensure(self.cfg.inbox_dir)
        sftp = await self._client()
        out = []
        for entry in await sftp.readdir(self._path(self.cfg.inbox_dir)):
            attrs = entry.attrs
            if attrs.type == 2 or not is_candidate(entry.filename):  # directories: not ours
                continue
            regular = attrs.type == 1  # SSH_FILEXFER_TYPE_REGULAR (readdir does not follow links)
            out.append(InboxFile(entry.filename, attrs.size or 0, float(attrs.mtime or 0), regular))
        return sorted(out, key=lambda f: (f.mtime, f.name))

    async def read(self, name: str) -> bytes:
        sftp = await self._client()
        path = self._path(self.cfg.inbox_dir, name)
        attrs = await sftp.lstat(path)
        if attrs.type != 1:
            raise UnsafeFile("The entry is not a plain file (a link?); only plain files are read.")
        if reason := too_big(attrs.size or 0, self.cfg):
            raise UnsafeFile(reason)
        async with sftp.open(path, "rb") as f:
            data: bytes = await f.read(int(self.cfg.max_file_mb * 1024 * 1024) + 1)
        if reason := too_big(len(data), self.cfg):
            raise UnsafeFile(reason)
        return data

    async def archive(self, name: str) -> str:
        await self._ensure(self.cfg.archive_dir)
        target = stamped(name)
        await self._move(
            self._path(self.cfg.inbox_dir, name), self._path(self.cfg.archive_dir, target)
        )
        return target

    async def reject(self, name: str, reason: str) -> str:
        await self._ensure(self.cfg.error_dir)
        target = stamped(name)
        sftp = await self._client()
        async with sftp.open(self._path(self.cfg.error_dir, target + ".reason.txt"), "wb") as f:
            await f.write((reason + "\n").encode())
        await self._move(
            self._path(self.cfg.inbox_dir, name), self._path(self.cfg.error_dir, target)
        )
        return target

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            await self._conn.wait_closed()
            self._conn = self._sftp = None


def open_drop(cfg: ThirdPartyProvider) -> Drop:
    """The drop a provider's settings describe (nothing is connected until first use)."""
    return SftpDrop(cfg) if cfg.kind == "sftp" else LocalDrop(cfg)
