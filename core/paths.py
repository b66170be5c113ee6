"""Where the project's folders are, so that nothing else computes them."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = PROJECT_ROOT / "config"
TEMPLATES_DIR = PROJECT_ROOT / "templates"
BUILTIN_PLUGINS_DIR = PROJECT_ROOT / "plugins"
CORE_STATIC_DIR = Path(__file__).resolve().parent / "static"
