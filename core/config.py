"""Configuration: config/default.toml, then an instance file, then NETSALES_* environment variables."""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path
from typing import Any

from core.paths import CONFIG_DIR, PROJECT_ROOT

ENV_PREFIX = "NETSALES_"


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message tells the operator what to change."""


def _parse_env_value(raw: str) -> Any:
    """Read an environment value as a TOML literal when it is one (true, 5, ["a"]), else as a string."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def instance_path() -> Path:
    return Path(os.environ.get(f"{ENV_PREFIX}INSTANCE_PATH", PROJECT_ROOT / "instance")).resolve()


def _instance_file(folder: Path) -> Path | None:
    explicit = os.environ.get(f"{ENV_PREFIX}CONFIG")
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{ENV_PREFIX}CONFIG points at {path}, which does not exist.")
        return path
    default = folder / "netsales.toml"
    return default if default.is_file() else None


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator chose."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _embedded_secret_key(folder: Path) -> str:
    """A key generated once per instance, so that sessions survive a restart of the embedded default."""
    key_file = folder / "secret_key"
    if key_file.is_file():
        return key_file.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Merge the configuration sources in order; later sources win."""
    overrides = dict(overrides or {})
    folder = Path(overrides["INSTANCE_PATH"]).resolve() if overrides.get("INSTANCE_PATH") else instance_path()
    with open(CONFIG_DIR / "default.toml", "rb") as fh:
        config: dict[str, Any] = tomllib.load(fh)
    instance_file = _instance_file(folder)
    if instance_file:
        with open(instance_file, "rb") as fh:
            config.update(tomllib.load(fh))
    for name, raw in os.environ.items():
        if name.startswith(ENV_PREFIX) and name not in (f"{ENV_PREFIX}CONFIG", f"{ENV_PREFIX}INSTANCE_PATH"):
            config[name[len(ENV_PREFIX):]] = _parse_env_value(raw)
    config.update(overrides)

    config["INSTANCE_PATH"] = str(folder)
    config["DATABASE_URL"] = normalise_database_url(str(config["DATABASE_URL"]).replace("{instance}", str(folder)))
    if not config.get("SECRET_KEY"):
        if config.get("PRODUCTION"):
            raise ConfigError(
                "This is a production configuration and it has no secret key. "
                f"Set {ENV_PREFIX}SECRET_KEY in the environment to a long random value "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        config["SECRET_KEY"] = _embedded_secret_key(folder)
    return config
