"""netsales-hello: the example third-party plugin that docs/plugin-guide.md walks through."""
