from socialvalue import app_config


class ConsultationsConfig(app_config.SocialValueAppConfig):
    name = "consultations"
    verbose_name = "Community voice"
    feeds_cached_pages = True

    def ready(self):
        super().ready()  # the rules; every table feeds the cached pages

        # Objectives must not import this app, so it asks us where an objective came from.
        from objectives.origins import register_origin_provider

        from .origins import objective_origins

        register_origin_provider(objective_origins)

        from socialvalue.attention import register_attention_provider

        from .attention import community_attention

        register_attention_provider(community_attention)

        from socialvalue.search import Source, register_search_source

        from .models import Consultation, Proposal

        register_search_source(
            Source(
                name="proposals",
                label="Community proposals",
                visible_to=lambda user: Proposal.objects.listed_for(user),
                fields=("title", "problem", "change"),
                summary="problem",
            )
        )
        register_search_source(
            Source(
                name="consultations",
                label="Consultations",
                visible_to=lambda user: Consultation.objects.visible_to(user),
                fields=("title", "purpose"),
                summary="purpose",
            )
        )

        # A boundary review carries proposals and consultations from retired wards.
        from places.carry import register_area_references

        from .area_carry import carry_consultation_areas, carry_proposal_areas

        register_area_references("proposals", carry_proposal_areas)
        register_area_references("consultations", carry_consultation_areas)
