"""netsales-hello passes the NetSales plugin contract suite, as every plugin must."""

from core.testing.contract import PluginContract


class TestHelloContract(PluginContract):
    plugin = "hello"
