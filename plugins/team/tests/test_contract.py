from core.testing.contract import PluginContract


class TestTeamContract(PluginContract):
    plugin = "team"
