from django.db import models


class DailySequence(models.Model):
    """The last number used in a daily series (dossier codes, form numbers, queue tickets).

    `scope` names the series and its owner, e.g. "dossier:000.00.01.H13" or "ticket:12".
    Numbers are taken with core.sequences.next_number inside the transaction that uses them,
    so a rolled-back write gives its number back and series stay gap-free.
    """

    scope = models.CharField(max_length=80)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "day"], name="daily_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.day:%y%m%d}: {self.last}"
