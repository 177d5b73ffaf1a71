import re
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import TenantMixin

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Le slug ne contient que des minuscules, des chiffres et des tirets."),
)


ORIGIN = re.compile(
    r"^https?://(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?::\d{1,5})?$"
)


def validate_origins(origins) -> None:
    """Browser origins allowed to call the tenant's API: scheme://host[:port], nothing more."""
    if not isinstance(origins, list):
        raise ValidationError(_("Une liste d'origines est attendue."))
    for origin in origins:
        if not isinstance(origin, str) or not ORIGIN.match(origin) or not valid_port(origin):
            raise ValidationError(
                _("« %(origin)s » n'est pas une origine (schéma://hôte[:port]).")
                % {"origin": origin}
            )


def valid_port(origin: str) -> bool:
    _scheme, _, rest = origin.partition("://")
    _host, colon, port = rest.partition(":")
    return not colon or 0 < int(port) < 65536


def schema_name_for(slug: str) -> str:
    """Each organisation's PostgreSQL schema, derived from its slug (valid identifier)."""
    return "t_" + slug.replace("-", "_")


class Tenant(TenantMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=50, unique=True, validators=[slug_validator])
    is_active = models.BooleanField(default=True)
    # Customers' names and phone numbers on tickets older than this are erased (jobs).
    retention_days = models.PositiveIntegerField(default=365, validators=[MinValueValidator(1)])
    # Web pages of the organisation's own sites that may call its API from the browser (CORS).
    api_origins = models.JSONField(default=list, blank=True, validators=[validate_origins])
    created_at = models.DateTimeField(auto_now_add=True)

    auto_create_schema = True

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.schema_name:
            self.schema_name = schema_name_for(self.slug)
        super().save(*args, **kwargs)
