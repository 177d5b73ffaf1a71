"""What customers say after being served: CSAT 1–5, NPS 0–10, a comment. One answer a ticket."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartqueue.queues.models import Service, Ticket, user_link


class Feedback(models.Model):
    class Category(models.TextChoices):
        PROMOTER = "promoter", _("Promoteur")
        PASSIVE = "passive", _("Passif")
        DETRACTOR = "detractor", _("Détracteur")

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="feedback")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    agent = user_link(null=True, blank=True, related_name="+")
    csat = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    nps = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    comment = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.ticket} · {self.csat}/5"

    @property
    def category(self) -> str | None:
        """NPS: 9–10 promoters, 7–8 passives, 0–6 detractors."""
        if self.nps is None:
            return None
        if self.nps >= 9:
            return self.Category.PROMOTER
        return self.Category.PASSIVE if self.nps >= 7 else self.Category.DETRACTOR
