from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "needs"
    verbose_name = "Community needs"

    def ready(self):
        from socialvalue.attention import register_attention_provider

        from .attention import pledge_attention

        register_attention_provider(pledge_attention)
