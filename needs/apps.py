from socialvalue import app_config


class NeedsConfig(app_config.SocialValueAppConfig):
    name = "needs"
    verbose_name = "Community needs"
    # No cached page reads the needs tables: a pledge counted in a return reaches the cached
    # figures through the contracts tables (the ledger), which contracts watches.

    def ready(self):
        super().ready()  # the rules (needs.permissions)

        from socialvalue.attention import register_attention_provider

        from .attention import pledge_attention

        register_attention_provider(pledge_attention)

        # A boundary review carries open needs from retired wards to their successors.
        from places.carry import register_area_references

        from .area_carry import carry_need_areas

        register_area_references("needs", carry_need_areas)
