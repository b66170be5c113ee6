"""The plugin engine: loads plugins, keeps which are enabled in step with the database, calls their hooks.

Hooks are registered with pluggy (which validates them against core/hookspecs.py), but the engine calls each
enabled plugin's implementation itself, one at a time, so that a plugin that raises is isolated: it is logged and
marked broken in this process, and the other plugins' answers still arrive.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from core import hookspecs
from core.plugins.discovery import Candidate, discover
from core.plugins.manifest import Manifest, ManifestError, read_manifest
from core.plugins.models import ChangeCounter, PluginState
from core.plugins.resolver import resolve
from core.timeutil import utcnow

log = logging.getLogger(__name__)

CORE = "core"
COUNTER_NAME = "plugins"


class PluginError(Exception):
    """An enable or disable that cannot be done; the message says why."""


@dataclass
class Plugin:
    """One installed plugin as the engine knows it."""

    module_name: str
    package_dir: Path | None
    source: str
    manifest: Manifest | None = None
    load_error: str | None = None
    module: ModuleType | None = None
    hooks: ModuleType | None = None

    @property
    def name(self) -> str:
        return self.manifest.name if self.manifest else self.module_name

    @property
    def loaded(self) -> bool:
        return self.load_error is None and self.manifest is not None

    @property
    def versions_dir(self) -> Path | None:
        if self.package_dir is None:
            return None
        path = self.package_dir / "migrations" / "versions"
        return path if path.is_dir() else None


class PluginEngine:
    def __init__(self, extra_paths: Iterable[str] = (), core_api: str = "1.0", refresh_seconds: float = 0) -> None:
        self.extra_paths = tuple(extra_paths)
        self.refresh_seconds = refresh_seconds
        self.core_api = core_api
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, Plugin] = {}
        self.order: list[str] = []
        self.blueprint_owner: dict[str, str] = {}
        #: pluggy names of the core's hook modules (core.hooks and each core service's hooks): always active.
        self.core_names: list[str] = []
        self.database_ready = False
        self._enabled: frozenset[str] = frozenset()
        self._changed_at: dict[str, Any] = {}
        self._counter_seen: int | None = None
        self._checked_at = 0.0
        #: Every change counter's value as the last refresh read it ({name: value}; one statement reads them all).
        self.counters: dict[str, int] = {}
        #: active_names() for the current enabled set and runtime errors; every hook call needs it.
        self._active: list[str] | None = None
        #: Values built once per process and rebuilt when their version (a counter's value) moves: see memo().
        self._memo: dict[str, tuple[Any, Any]] = {}
        #: Answers derived from the enabled set (e.g. whether anyone implements a hook); see forget_derived().
        self._derived: dict[str, Any] = {}
        self._hook_impls: dict[str, tuple[frozenset[str], dict[str, Any]]] = {}
        #: Plugins the database knows (enabled or not) that are no longer installed, e.g. after `pip uninstall`.
        self.missing: dict[str, bool] = {}
        self._runtime_errors: dict[str, str] = {}

    # ------------------------------------------------------------------------------------------------ loading

    def load(self, core_hooks: list[ModuleType]) -> None:
        """Register the core's own hook modules, then discover, check and import every plugin."""
        self._hook_impls.clear()
        for module in core_hooks:
            name = CORE if module.__name__ == "core.hooks" else f"{CORE}:{module.__name__}"
            self.pm.register(module, name=name)
            self.core_names.append(name)
        manifests: dict[str, Manifest] = {}
        for candidate in discover(self.extra_paths):
            plugin = self._read(candidate, manifests)
            self.plugins.setdefault(plugin.name, plugin)
            if plugin.loaded:
                manifests[plugin.name] = plugin.manifest  # type: ignore[assignment]

        order, broken = resolve(manifests)
        for name, reason in broken.items():
            self.plugins[name].load_error = reason
        for name in order:
            plugin = self.plugins[name]
            failed_deps = [d for d in plugin.manifest.depends if not self.plugins[d].loaded]  # type: ignore[union-attr]
            if failed_deps:
                plugin.load_error = f"depends on {', '.join(failed_deps)}, which is broken"
                continue
            self._import(plugin)
        self.order = [name for name in order if self.plugins[name].loaded]
        self.pm.check_pending()

    def _read(self, candidate: Candidate, manifests: dict[str, Manifest]) -> Plugin:
        plugin = Plugin(candidate.module_name, candidate.package_dir, candidate.source, load_error=candidate.error)
        if plugin.load_error:
            return plugin
        try:
            plugin.manifest = read_manifest(candidate.package_dir)  # type: ignore[arg-type]
        except ManifestError as exc:
            plugin.load_error = f"invalid plugin.toml: {exc}"
            return plugin
        if plugin.name in manifests or plugin.name in self.plugins:
            plugin.load_error = f"another installed plugin is already called {plugin.name}"
            plugin.manifest = None
        elif not plugin.manifest.supports_core(self.core_api):
            plugin.load_error = f"needs core API {plugin.manifest.core_api}; this NetSales offers {self.core_api}"
        return plugin

    def _import(self, plugin: Plugin) -> None:
        try:
            plugin.module = importlib.import_module(plugin.module_name)
            if importlib.util.find_spec(f"{plugin.module_name}.models") is not None:
                importlib.import_module(f"{plugin.module_name}.models")  # its tables join the metadata
            if importlib.util.find_spec(f"{plugin.module_name}.hooks") is not None:
                plugin.hooks = importlib.import_module(f"{plugin.module_name}.hooks")
        except Exception as exc:  # a third party's import may raise anything; it must not stop the app
            log.exception("plugin %s failed to import", plugin.name)
            plugin.load_error = f"import failed: {type(exc).__name__}: {exc}"
            return
        if plugin.hooks is None:
            return
        try:
            self.pm.register(plugin.hooks, name=plugin.name)
        except pluggy.PluginValidationError as exc:
            plugin.load_error = f"invalid hook implementation: {exc}"
            return
        unknown = [caller.name for caller in self.pm.get_hookcallers(plugin.hooks) or [] if not caller.has_spec()]
        if unknown:
            self.pm.unregister(plugin.hooks)
            plugin.load_error = f"implements hooks that do not exist: {', '.join(sorted(unknown))}"

    def installed_since_start(self) -> list[Any]:
        """Plugins pip-installed after this process loaded its plugins (a fresh look at the entry points).

        They are not loaded: Flask refuses new blueprints once an app has served a request, a package installed in
        editable mode is importable only in a new interpreter, and the translation folders are fixed at start. So
        they take a restart of every NetSales process; the Modules page and ``netsales plugins`` say so."""
        from core.plugins.discovery import announcements

        known = {plugin.module_name for plugin in self.plugins.values()}
        return [a for a in announcements() if a.module_name not in known]

    # ------------------------------------------------------------------------------------------------ state

    def loaded_names(self) -> list[str]:
        return list(self.order)

    def is_enabled(self, name: str) -> bool:
        return name in self._enabled

    def runtime_error(self, name: str) -> str | None:
        return self._runtime_errors.get(name)

    def is_active(self, name: str) -> bool:
        """Enabled, loaded, not failed in this process, and so are all its hard dependencies."""
        if name in self.core_names:
            return True
        plugin = self.plugins.get(name)
        if plugin is None or not plugin.loaded or name not in self._enabled or name in self._runtime_errors:
            return False
        return all(self.is_active(dep) for dep in plugin.manifest.depends)  # type: ignore[union-attr]

    def active_names(self) -> list[str]:
        if self._active is None:
            self._active = [name for name in self.order if self.is_active(name)]
        return list(self._active)

    def forget_derived(self) -> None:
        """The enabled set or the runtime errors changed: forget what was derived from them."""
        self._active = None
        self._derived.clear()

    def forget_cached(self) -> None:
        """Drop every value memo() keeps (the declarations were synced into the database again)."""
        self._memo.clear()
        self.forget_derived()

    def memo(self, name: str, version: Any, build: Any) -> Any:
        """``build()``, kept for this process until ``version`` differs from the one it was built for.

        The version is a change counter's value (``self.counters``, read at each request): a change made by any
        process moves it, so the next request rebuilds. bump_counter moves counters by random steps, so a value
        never comes back after a database is restored to an earlier state (a backup; the tests' baseline)."""
        known = self._memo.get(name)
        if known is not None and known[0] == version:
            return known[1]
        value = build()
        self._memo[name] = (version, value)
        return value

    def state_label(self, name: str) -> str:
        """enabled / disabled / broken: reason, as `netsales plugins list` and the admin page say it."""
        plugin = self.plugins[name]
        if not plugin.loaded:
            return f"broken: {plugin.load_error}"
        if name in self._runtime_errors:
            return f"broken: {self._runtime_errors[name]}"
        if name not in self._enabled:
            return "disabled"
        inactive = [d for d in plugin.manifest.depends if not self.is_active(d)]  # type: ignore[union-attr]
        if inactive:
            return f"broken: depends on {', '.join(inactive)}, which is not active"
        return "enabled"

    def forget_runtime_state(self) -> None:
        """Forget what this process learnt at run time (isolated plugins, the last counter seen): tests reuse an
        app across a database that is reset under it."""
        self._runtime_errors.clear()
        self._changed_at.clear()
        self._counter_seen = None
        self.counters = {}
        self.missing = {}
        self.forget_derived()

    def refresh_if_due(self, session: Any) -> bool:
        """Per-request check, at most every ``refresh_seconds`` (0: every request; one read of the few counters).
        True if it read the counters now (``self.counters`` is then current for this request)."""
        if self.refresh_seconds and time.monotonic() - self._checked_at < self.refresh_seconds:
            return False
        self.refresh(session)
        return self.database_ready

    def refresh(self, session: Any) -> None:
        """Reload the enabled set if another process (or this one) changed it since we last looked."""
        self._checked_at = time.monotonic()
        try:
            # Every counter in one statement (a handful of rows): settings and caches key on theirs.
            counters = dict(session.execute(_ALL_COUNTERS).all())
        except SQLAlchemyError:
            session.rollback()
            self.database_ready = False
            self._enabled = frozenset()
            self.counters = {}
            self.forget_derived()
            return
        self.apply_counters(session, counters)

    def apply_counters(self, session: Any, counters: dict[str, int]) -> None:
        """Take ``counters`` as this request's reading (refresh's own statement, or the one that loads the signed-in
        user: core/app.py) and reload the enabled set if its counter moved since we last looked."""
        self._checked_at = time.monotonic()
        self.database_ready = True
        self.counters = counters
        counter = counters.get(COUNTER_NAME)
        if counter == self._counter_seen:
            return
        rows = session.execute(select(PluginState.name, PluginState.enabled, PluginState.changed_at)).all()
        for name, _enabled, changed_at in rows:
            if self._changed_at.get(name) not in (None, changed_at):
                self._runtime_errors.pop(name, None)  # re-enabled: give it another chance
            self._changed_at[name] = changed_at
        self._enabled = frozenset(name for name, enabled, _ in rows if enabled)
        self.missing = {name: enabled for name, enabled, _ in rows if name not in self.plugins}
        self._counter_seen = counter
        self.forget_derived()

    # ------------------------------------------------------------------------------------------------ enable / disable

    def dependency_closure(self, name: str) -> list[str]:
        """``name`` and everything it needs, dependencies first."""
        needed: set[str] = set()

        def visit(current: str) -> None:
            if current in needed:
                return
            needed.add(current)
            for dep in self.plugins[current].manifest.depends:  # type: ignore[union-attr]
                visit(dep)

        visit(name)
        return [n for n in self.order if n in needed]

    def enabled_dependents(self, name: str) -> list[str]:
        return [
            other for other in self.order
            if other in self._enabled and name in self.plugins[other].manifest.depends  # type: ignore[union-attr]
        ]

    def require_loaded(self, name: str) -> Plugin:
        plugin = self.plugins.get(name)
        if plugin is None:
            raise PluginError(f"No plugin called {name} is installed.")
        if not plugin.loaded:
            raise PluginError(f"{name} is broken: {plugin.load_error}")
        return plugin

    def plan_enable(self, name: str) -> list[str]:
        """What enabling ``name`` would enable, dependencies first (empty if it is already enabled)."""
        self.require_loaded(name)
        wanted = [n for n in self.dependency_closure(name) if n not in self._enabled]
        # Bridge plugins switch themselves on once everything they depend on is enabled.
        would_be = set(self._enabled) | set(wanted)
        for other in self.order:
            manifest = self.plugins[other].manifest
            if manifest.auto_enable and other not in would_be and set(manifest.depends) <= would_be:  # type: ignore[union-attr]
                wanted.append(other)
                would_be.add(other)
        return wanted

    def plan_disable(self, name: str) -> list[str]:
        """What disabling ``name`` would disable: itself and the bridge plugins that need it.

        Raises PluginError naming the other enabled plugins that depend on it."""
        if name not in self.plugins:
            raise PluginError(f"No plugin called {name} is installed.")
        if name not in self._enabled:
            return []
        dependents = self.enabled_dependents(name)
        blocking = [d for d in dependents if not self.plugins[d].manifest.auto_enable]  # type: ignore[union-attr]
        if blocking:
            raise PluginError(f"Cannot disable {name}: {', '.join(blocking)} depend on it. Disable them first.")
        bridges: list[str] = []
        for dependent in dependents:
            bridges += [b for b in self.plan_disable(dependent) if b not in bridges]
        return bridges + [name]

    def set_enabled(self, session: Any, names: Iterable[str], enabled: bool) -> None:
        """Record the change and bump the counter in the caller's transaction."""
        now = utcnow()
        for name in names:
            state = session.get(PluginState, name)
            if state is None:
                state = PluginState(name=name)
                session.add(state)
            state.enabled = enabled
            state.changed_at = now
            state.last_error = None
        bump_counter(session, COUNTER_NAME)

    # ------------------------------------------------------------------------------------------------ hook calls

    def call(self, hook_name: str, *, include_disabled: bool = False, only: str | None = None, **kwargs: Any) -> list:
        """Call ``hook_name`` on the core and each active plugin; return their non-None answers in plugin order.

        ``include_disabled`` reaches every loaded plugin (setup hooks); ``only`` calls one plugin's implementation.
        """
        expected, implementations = self._implementations(hook_name)
        if kwargs.keys() != expected:
            raise TypeError(f"hook {hook_name} takes {sorted(expected)}, got {sorted(kwargs)}")
        if only == CORE:
            names = self.core_names
        elif only is not None:
            names = [only]
        else:
            names = self.core_names + (self.order if include_disabled else self.active_names())
        answers = []
        for name in names:
            impl = implementations.get(name)
            if impl is None:
                continue
            try:
                answer = impl.function(**{arg: kwargs[arg] for arg in impl.argnames})
            except Exception as exc:  # isolate the plugin; the others still answer
                if name in self.core_names:
                    raise
                self.isolate(name, hook_name, exc)
                continue
            if answer is not None:
                answers.append(answer)
        return answers

    def _implementations(self, hook_name: str) -> tuple[frozenset[str], dict[str, Any]]:
        """(the hook's argument names, {plugin name: implementation}); fixed once plugins are registered."""
        known = self._hook_impls.get(hook_name)
        if known is None:
            caller = getattr(self.pm.hook, hook_name)
            known = (frozenset(caller.spec.argnames) if caller.spec else frozenset(),
                     {impl.plugin_name: impl for impl in caller.get_hookimpls()})
            self._hook_impls[hook_name] = known
        return known

    def implements(self, hook_name: str) -> bool:
        """True if the core or an active plugin implements ``hook_name`` (callers may skip a call nobody answers)."""
        known = self._derived.get(hook_name)
        if known is None:
            implementations = self._implementations(hook_name)[1]
            known = self._derived[hook_name] = any(
                name in implementations for name in self.core_names + self.active_names())
        return known

    def collect(self, hook_name: str, record_type: type, **kwargs: Any) -> list:
        """Flatten a list hook's answers, keeping only records of ``record_type`` (others are logged)."""
        records = []
        for answer in self.call(hook_name, **kwargs):
            for item in answer if isinstance(answer, list | tuple) else [answer]:
                if isinstance(item, record_type):
                    records.append(item)
                else:
                    log.warning("hook %s returned %r, not a %s; ignored", hook_name, item, record_type.__name__)
        return records

    def first(self, hook_name: str, **kwargs: Any) -> Any:
        answers = self.call(hook_name, **kwargs)
        return answers[0] if answers else None

    def isolate(self, name: str, hook_name: str, exc: BaseException) -> None:
        log.exception("plugin %s raised in hook %s; it is now marked broken in this process", name, hook_name)
        reason = f"raised {type(exc).__name__} in {hook_name}: {exc}"
        self._runtime_errors[name] = reason
        self.forget_derived()
        _record_error(name, reason)


_ALL_COUNTERS = select(ChangeCounter.name, ChangeCounter.value)
def bump_counter(session: Any, name: str) -> None:
    """Move counter ``name`` to a new value, in the caller's transaction (core.cache.move_counter)."""
    from core.cache import move_counter

    move_counter(session.connection(), name)


def _record_error(name: str, reason: str) -> None:
    """Keep the error for the admin page, in a transaction of its own so the caller's is untouched."""
    from core.extensions import db

    try:
        with db.engine.begin() as connection:
            connection.execute(update(PluginState).where(PluginState.name == name).values(last_error=reason[:2000]))
    except (SQLAlchemyError, RuntimeError):
        log.warning("could not record the error of plugin %s", name)
