from core.testing.contract import PluginContract


class TestRecruitmentContract(PluginContract):
    plugin = "recruitment"
