from core.testing.contract import PluginContract


class TestPipelineContract(PluginContract):
    plugin = "pipeline"
