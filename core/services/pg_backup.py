"""PostgreSQL backup and restore with PostgreSQL's own tools: `pg_dump`, `pg_restore` and `psql`.

A backup is `pg_dump`'s custom format, written to a new file only. A restore reads the whole archive
before it touches the database, so a damaged file is refused with the database as it was; then it
runs as one transaction in `psql` (the old tables dropped, the backup's created and filled, or
nothing at all). A database that has tables is replaced only when asked to. The connection comes
from the database URL through libpq's environment variables, so a password never shows in `ps`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import IO

from tortoise.backends.base.config_generator import expand_db_url

from core.errors import PackdeskError, UserInputError
from core.persistence.database import masked

TOOLS = "PostgreSQL's client tools (Debian: apt-get install postgresql-client)"
LOCK_WAIT = "10s"  # a station still connected makes the restore wait this long, then say so
# Dropped inside the restore's transaction: what Packdesk's migrations made in the public schema
# (tables with their sequences), so a backup from before an upgrade comes back without newer tables.
DROP_PUBLIC = """
DO $$
DECLARE t record;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
        EXECUTE format('DROP TABLE IF EXISTS public.%I CASCADE', t.tablename);
    END LOOP;
    FOR t IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' LOOP
        EXECUTE format('DROP SEQUENCE IF EXISTS public.%I CASCADE', t.sequencename);
    END LOOP;
END $$;
"""


def _libpq_env(url: str) -> dict[str, str]:
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    creds = expand_db_url(url)["credentials"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for var, key in (("PGHOST", "host"), ("PGPORT", "port"), ("PGUSER", "user"),
                     ("PGPASSWORD", "password"), ("PGDATABASE", "database")):  # fmt: skip
        if creds.get(key) not in (None, ""):
            env[var] = str(creds[key])
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise PackdeskError(f"{name} is not installed: PostgreSQL backups need {TOOLS}.")
    return found


def _why(stderr: str, returncode: int = 1) -> str:
    """The first error line of a PostgreSQL tool, without the tool's prefix."""
    if returncode < 0:  # pg_restore can crash on a damaged archive, saying nothing
        return f"pg_restore crashed reading it (signal {-returncode})"
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    for line in lines:
        for mark in ("error: ", "ERROR:  ", "FATAL:  "):
            if mark in line:
                return line.split(mark, 1)[1]
    return lines[0] if lines else "no reason given"


def _unreadable(archive: Path, done: subprocess.CompletedProcess[str]) -> UserInputError:
    with archive.open("rb") as f:
        ours = f.read(5) == b"PGDMP"  # pg_dump's custom format starts so
    what = "is damaged" if ours else "is not a PostgreSQL backup"
    return UserInputError(
        f"{archive} {what}: {_why(done.stderr, done.returncode)}; the database was not touched"
    )


def _run(url: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_tool(argv[0]), *argv[1:]], env=_libpq_env(url), capture_output=True, text=True
    )


def tables_in(url: str) -> list[str]:
    """The tables in the database's public schema (where Packdesk keeps its own)."""
    done = _run(url, "psql", "-X", "-At", "-c",
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")  # fmt: skip
    if done.returncode != 0:
        raise PackdeskError(f"The database {masked(url)} cannot be reached: {_why(done.stderr)}")
    return done.stdout.split()


def dump(url: str, target: Path) -> None:
    """`pg_dump --format=custom` to `target`, a new file readable by its owner only."""
    if target.exists():
        raise UserInputError(f"{target} exists already; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    # Made 0600 before pg_dump writes into it: the dump is never readable by others, even briefly.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    try:
        done = _run(url, "pg_dump", "--format=custom", f"--file={partial}")
        if done.returncode != 0:
            raise PackdeskError(f"pg_dump of {masked(url)} failed: {_why(done.stderr)}")
        os.link(partial, target)  # never replaces a file that appeared meanwhile
    except FileExistsError:
        raise UserInputError(f"{target} exists already; choose a new file name") from None
    finally:
        partial.unlink(missing_ok=True)


def fingerprint_in(url: str, archive: Path) -> str | None:
    """The key fingerprint a dump records; refuses a file that is not a Packdesk dump."""
    listed = _run(url, "pg_restore", "--list", str(archive))
    if listed.returncode != 0:
        raise _unreadable(archive, listed)
    if " TABLE public tortoise_migrations " not in listed.stdout:
        raise UserInputError(f"{archive} is a PostgreSQL dump, but not of a Packdesk database")
    done = _run(url, "pg_restore", "--data-only", "--table=secret_key", "--file=-", str(archive))
    if done.returncode != 0:
        raise _unreadable(archive, done)
    lines = done.stdout.splitlines()
    for n, line in enumerate(lines):
        if line.startswith("COPY public.secret_key (") and n + 1 < len(lines):
            columns = line.split("(", 1)[1].split(")", 1)[0].split(", ")
            values = lines[n + 1].split("\t")
            if values != ["\\."] and "fingerprint" in columns:
                return values[columns.index("fingerprint")]
    return None


def check_whole(url: str, archive: Path) -> None:
    """Read and decompress every part of the archive without a database: damage shows here."""
    done = _run(url, "pg_restore", "--file=/dev/null", str(archive))
    if done.returncode != 0:
        raise _unreadable(archive, done)


def restore(url: str, archive: Path) -> None:
    """Replace everything in the public schema by the archive's contents, in one transaction."""
    env = _libpq_env(url)
    with tempfile.TemporaryFile("w+") as psql_err, tempfile.TemporaryFile("w+") as dump_err:
        psql = subprocess.Popen(
            [_tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_err, env=env,
        )  # fmt: skip
        script = subprocess.Popen(
            [_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(archive)],
            stdout=subprocess.PIPE, stderr=dump_err, env=env,
        )  # fmt: skip
        assert psql.stdin is not None and script.stdout is not None
        complete = _feed(psql.stdin, script.stdout, script)
        psql.wait()
        if script.poll() is None:
            script.kill()
        script.wait()
        if not complete or psql.returncode != 0:
            psql_err.seek(0)
            dump_err.seek(0)
            if psql.returncode != 0:  # psql stopped at an error (and pg_restore was ended)
                why = _why(psql_err.read(), psql.returncode)
            else:  # pg_restore could not read on: psql's transaction ended without COMMIT
                why = _why(dump_err.read(), script.returncode)
            if "lock timeout" in why:
                why = "the database is in use; stop the services and stations using it first"
            raise PackdeskError(f"restore of {archive} failed, the database is as it was: {why}")


def _feed(psql: IO[bytes], script: IO[bytes], restore: subprocess.Popen[bytes]) -> bool:
    """Send the restore script between BEGIN and COMMIT; COMMIT only when all of it was read."""
    try:
        head = f"SET client_min_messages = warning;\nSET lock_timeout = '{LOCK_WAIT}';\nBEGIN;\n"
        psql.write(f"{head}{DROP_PUBLIC}\n".encode())
        shutil.copyfileobj(script, psql, 1 << 20)
        if restore.wait() != 0:
            return False  # psql sees its input end inside the transaction: nothing is kept
        # No planner statistics come with a dump: gather them before the stations return.
        psql.write(b"ANALYZE;\nCOMMIT;\n")
        return True
    except BrokenPipeError:  # psql stopped at an error: its transaction is rolled back
        return False
    finally:
        try:
            psql.close()
        except BrokenPipeError:
            pass
