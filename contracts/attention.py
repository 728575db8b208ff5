"""The contract work waiting for a person: sign-offs, returns to verify, answers to read,
queries to answer, returns due and support to confirm. Each count is of the queue its link
lists (`contracts.waiting`), so the two always agree."""

from django.urls import reverse

from socialvalue.attention import Attention, queue_attention

from . import waiting


def contract_attention(user) -> list[Attention]:
    sign_off = reverse("contracts:contract_list") + "?sign_off="

    def returns(queue: str) -> str:
        return reverse("contracts:return_queue", kwargs={"queue": queue})

    return queue_attention(
        user,
        [
            (
                waiting.contracts_with_assessment_to_sign_off,
                "social value assessment is waiting for your sign-off",
                "social value assessments are waiting for your sign-off",
                sign_off + "assessment",
            ),
            (
                waiting.contracts_with_exemption_to_confirm,
                "exemption from the Act is waiting for your confirmation",
                "exemptions from the Act are waiting for your confirmation",
                sign_off + "exemption",
            ),
            (
                waiting.returns_to_verify,
                "delivery return is waiting to be verified",
                "delivery returns are waiting to be verified",
                returns("verify"),
            ),
            (
                waiting.answers_to_read,
                "query about a return has been answered",
                "queries about returns have been answered",
                returns("answered"),
            ),
            (
                waiting.queries_to_answer,
                "query about a return needs your answer",
                "queries about returns need your answer",
                returns("answer"),
            ),
            (waiting.returns_due, "return is due", "returns are due", returns("due")),
            (
                waiting.returns_overdue,
                "return is overdue: its period has ended",
                "returns are overdue: their periods have ended",
                returns("overdue"),
            ),
            (
                waiting.support_to_confirm,
                # Counted per return, not per supplier: one supplier may ask about many periods.
                "delivery return asks your group to confirm the support it received",
                "delivery returns ask your group to confirm the support it received",
                returns("confirm"),
            ),
        ],
    )
