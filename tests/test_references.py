"""Every record people quote has one reference format (`socialvalue.references`)."""

import pytest

from consultations.models import Proposal
from needs.models import Need
from objectives.models import Objective


@pytest.mark.parametrize(
    ("model", "prefix"), [(Objective, "OBJ"), (Proposal, "PRO"), (Need, "NEED")]
)
def test_a_reference_is_the_prefix_and_the_padded_id_and_new_until_saved(model, prefix):
    record = model()
    assert record.reference == "New"
    record.pk = 42
    assert record.reference == f"{prefix}-00042"
