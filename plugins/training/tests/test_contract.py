from core.testing.contract import PluginContract


class TestTrainingContract(PluginContract):
    plugin = "training"
