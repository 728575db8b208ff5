"""The published summary of a consultation: counts computed in SQL, never over rows in Python.

Percentages for a choice question are of the people who answered that question (for multiple
choice they can add up to more than 100)."""

from dataclasses import dataclass, field

from django.db.models import Count

from .models import Answer, Option, Question, RespondentType, Response


@dataclass
class Row:
    label: str
    count: int
    percent: int = 0


@dataclass
class QuestionSummary:
    question: Question
    answered: int
    rows: list[Row] = field(default_factory=list)


def _percent(part: int, whole: int) -> int:
    return round(part * 100 / whole) if whole else 0


def summarise(consultation) -> dict:
    responses = Response.objects.filter(consultation=consultation)
    total = responses.count()
    by_type_counts = dict(
        responses.order_by().values_list("respondent_type").annotate(n=Count("pk"))
    )
    by_type = [
        Row(label, by_type_counts.get(value, 0), _percent(by_type_counts.get(value, 0), total))
        for value, label in RespondentType.choices
        if by_type_counts.get(value)
    ]
    by_area = [
        Row(name, n, _percent(n, total))
        for name, n in responses.order_by()
        .values_list("area__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "area__name")
    ]
    questions = list(consultation.questions.order_by("position", "pk"))
    choice_ids = [q.pk for q in questions if q.is_choice]
    answered = dict(
        Answer.objects.filter(question_id__in=[q.pk for q in questions])
        .order_by()
        .values_list("question_id")
        .annotate(n=Count("response", distinct=True))
    )
    option_counts = {
        (q, o): n
        for q, o, n in Answer.objects.filter(question_id__in=choice_ids, option__isnull=False)
        .order_by()
        .values_list("question_id", "option_id")
        .annotate(n=Count("response", distinct=True))
    }
    options: dict[int, list[Option]] = {}
    for option in Option.objects.filter(question_id__in=choice_ids).order_by("position", "pk"):
        options.setdefault(option.question_id, []).append(option)
    summaries = []
    for question in questions:
        n = answered.get(question.pk, 0)
        summary = QuestionSummary(question, n)
        for option in options.get(question.pk, []):
            count = option_counts.get((question.pk, option.pk), 0)
            summary.rows.append(Row(option.label, count, _percent(count, n)))
        summaries.append(summary)
    return {"total": total, "by_type": by_type, "by_area": by_area, "questions": summaries}
