from socialvalue import app_config


class ContractsConfig(app_config.SocialValueAppConfig):
    name = "contracts"
    verbose_name = "Contracts, assessments and delivery"
    feeds_cached_pages = True

    def ready(self):
        super().ready()  # the rules; every table feeds the cached pages

        # Verified delivery feeds objectives' progress; objectives do not import contracts.
        from objectives.progress import register_delivery_source

        from .ledger import by_target

        register_delivery_source(by_target)

        from socialvalue.attention import register_attention_provider

        from .attention import contract_attention

        register_attention_provider(contract_attention)

        from socialvalue.search import Source, register_search_source

        from .models import Contract

        register_search_source(
            Source(
                name="contracts",
                label="Contracts",
                visible_to=lambda user: Contract.objects.visible_to(user),
                fields=("reference", "title", "description"),
                summary="description",
                public=False,
            )
        )

        # A boundary review carries contracts and commitments from retired wards.
        from places.carry import register_area_references

        from .area_carry import carry_commitment_areas, carry_contract_areas

        register_area_references("contracts", carry_contract_areas)
        register_area_references("commitments", carry_commitment_areas)
