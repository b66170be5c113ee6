"""Alembic, one lineage per owner: the core (core/db/versions, table alembic_version_core) and each plugin
(<plugin>/migrations/versions, table alembic_version_<plugin>).

Lineages share one script template and need no env.py: this module configures Alembic's environment itself,
so a plugin ships only its versions/ folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.autogenerate import RevisionContext, compare_metadata
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, inspect

from core.extensions import db

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
CORE_VERSIONS = Path(__file__).resolve().parent / "versions"


@dataclass(frozen=True)
class Lineage:
    """The migrations of one owner and the tables they may touch."""

    owner: str
    versions_dir: Path

    @property
    def version_table(self) -> str:
        return f"alembic_version_{self.owner}"

    def owns_table(self, table_name: str) -> bool:
        if self.owner == "core":
            return table_name.startswith("core_")
        return table_name.startswith(f"{self.owner}_")


def core_lineage() -> Lineage:
    return Lineage("core", CORE_VERSIONS)


_scripts: dict[Path, tuple[float, ScriptDirectory]] = {}


def _script(lineage: Lineage) -> ScriptDirectory:
    """The lineage's script directory, parsed once per process while its folder is unchanged (enabling a plugin
    checks its migrations; re-reading every revision file each time made that slow)."""
    folder = lineage.versions_dir
    stamp = folder.stat().st_mtime if folder.exists() else 0.0
    cached = _scripts.get(folder)
    if cached is None or cached[0] != stamp:
        cached = (stamp, ScriptDirectory(str(TEMPLATE_DIR), version_locations=[str(folder)]))
        _scripts[folder] = cached
    return cached[1]


def _include(lineage: Lineage) -> Callable[..., bool]:
    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        table = obj if type_ == "table" else getattr(obj, "table", None)
        table_name = name if type_ == "table" else getattr(table, "name", "")
        if table_name and table_name.startswith("alembic_version"):
            return False
        return bool(table_name) and lineage.owns_table(table_name)

    return include_object


def _run(connection: Connection, lineage: Lineage, fn: Callable, **extra: Any) -> None:
    config = Config()
    script = _script(lineage)
    with EnvironmentContext(config, script, fn=fn, **extra) as env:
        env.configure(
            connection=connection,
            target_metadata=db.metadata,
            version_table=lineage.version_table,
            include_object=_include(lineage),
            render_as_batch=True,  # SQLite can only alter tables by copying them
            compare_type=True,
        )
        with env.begin_transaction():
            env.run_migrations()


def upgrade(engine: Engine, lineage: Lineage, target: str = "heads") -> None:
    script = _script(lineage)
    with engine.begin() as connection:
        _run(connection, lineage, lambda rev, ctx: script._upgrade_revs(target, rev))


def downgrade(engine: Engine, lineage: Lineage, target: str = "base") -> None:
    script = _script(lineage)
    with engine.begin() as connection:
        _run(connection, lineage, lambda rev, ctx: script._downgrade_revs(target, rev))


def current(engine: Engine, lineage: Lineage) -> str | None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": lineage.version_table})
        return context.get_current_revision()


def head(lineage: Lineage) -> str | None:
    return _script(lineage).get_current_head()


def pending(engine: Engine, lineage: Lineage) -> bool:
    return current(engine, lineage) != head(lineage)


def drift(engine: Engine, lineage: Lineage, metadata: MetaData | None = None) -> list:
    """Differences between the migrated database and the models of one lineage (empty when they agree)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"include_object": _include(lineage), "compare_type": True, "render_as_batch": True},
        )
        return compare_metadata(context, metadata or db.metadata)


def owned_tables(engine: Engine, lineage: Lineage) -> list[str]:
    return sorted(t for t in inspect(engine).get_table_names() if lineage.owns_table(t))


def revision(engine: Engine, lineage: Lineage, message: str, autogenerate: bool = True) -> Path:
    """Write a new revision file for ``lineage``, compared against the database when ``autogenerate``."""
    lineage.versions_dir.mkdir(parents=True, exist_ok=True)
    config = Config()
    script = _script(lineage)
    args = {"message": message, "autogenerate": autogenerate, "sql": False, "head": "head", "splice": False,
                "branch_label": None, "version_path": str(lineage.versions_dir), "rev_id": None, "depends_on": None}
    revision_context = RevisionContext(config, script, args)

    def produce(rev: Any, context: Any) -> list:
        if autogenerate:
            revision_context.run_autogenerate(rev, context)
        else:
            revision_context.run_no_autogenerate(rev, context)
        return []

    with engine.connect() as connection:
        _run(connection, lineage, produce, template_args=revision_context.template_args,
             revision_context=revision_context)
    scripts = list(revision_context.generate_scripts())
    return Path(scripts[0].path)
