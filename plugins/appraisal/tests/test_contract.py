from core.testing.contract import PluginContract


class TestAppraisalContract(PluginContract):
    plugin = "appraisal"
