"""Configuration loading order and the production safety check (issue 2 §2)."""

import pytest

from core.config import ConfigError, load_config


@pytest.fixture
def instance(tmp_path, monkeypatch):
    for name in list(__import__("os").environ):
        if name.startswith("NETSALES_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("NETSALES_INSTANCE_PATH", str(tmp_path))
    return tmp_path


def test_defaults_give_an_embedded_sqlite_database_in_the_instance_folder(instance):
    config = load_config()
    assert config["DATABASE_URL"] == f"sqlite:///{instance}/netsales.db"
    assert config["TIMEZONE"] == "Asia/Shanghai"
    assert config["DEFAULT_LOCALE"] == "zh_Hans"


def test_instance_file_overrides_defaults_and_environment_overrides_both(instance, monkeypatch):
    (instance / "netsales.toml").write_text('COMPANY_NAME = "From file"\nTIMEZONE = "Asia/Hong_Kong"\n')
    monkeypatch.setenv("NETSALES_COMPANY_NAME", "From env")
    config = load_config()
    assert config["COMPANY_NAME"] == "From env"
    assert config["TIMEZONE"] == "Asia/Hong_Kong"


def test_environment_values_are_read_as_toml_literals_when_they_are_one(instance, monkeypatch):
    monkeypatch.setenv("NETSALES_PLUGIN_REFRESH_SECONDS", "5")
    monkeypatch.setenv("NETSALES_SESSION_COOKIE_SECURE", "true")
    monkeypatch.setenv("NETSALES_COMPANY_NAME", "网销管家 Ltd")
    config = load_config()
    assert config["PLUGIN_REFRESH_SECONDS"] == 5
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["COMPANY_NAME"] == "网销管家 Ltd"


def test_postgresql_urls_use_psycopg_3(instance, monkeypatch):
    monkeypatch.setenv("NETSALES_DATABASE_URL", "postgresql://netsales@db/netsales")
    assert load_config()["DATABASE_URL"] == "postgresql+psycopg://netsales@db/netsales"


def test_embedded_secret_key_is_generated_once_and_kept(instance):
    first = load_config()["SECRET_KEY"]
    assert len(first) >= 32
    assert load_config()["SECRET_KEY"] == first


def test_production_without_secret_key_refuses_to_start_with_a_clear_message(instance, monkeypatch):
    monkeypatch.setenv("NETSALES_CONFIG", "config/production.example.toml")
    with pytest.raises(ConfigError, match="NETSALES_SECRET_KEY"):
        load_config()
    monkeypatch.setenv("NETSALES_SECRET_KEY", "x" * 40)
    config = load_config()
    assert config["PRODUCTION"] is True and config["SESSION_COOKIE_SECURE"] is True


def test_missing_instance_file_named_explicitly_is_an_error(instance, monkeypatch):
    monkeypatch.setenv("NETSALES_CONFIG", str(instance / "nope.toml"))
    with pytest.raises(ConfigError, match="does not exist"):
        load_config()
