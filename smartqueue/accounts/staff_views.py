"""Staff of an organisation: invite by email with a role, change a role, deactivate.

Admins manage everybody; managers manage agents only; nobody changes their own membership."""

from allauth.account.forms import ResetPasswordForm
from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from smartqueue.accounts.decorators import member_required
from smartqueue.accounts.models import Membership, Role
from smartqueue.accounts.roles import roles_granted_by
from smartqueue.queues.history import Actor, audit
from smartqueue.tenants.services import ensure_user


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)

    def __init__(self, *args, allowed: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(v, label) for v, label in Role.choices if v in allowed]


@member_required(Role.ADMIN, Role.MANAGER)
def staff(request):
    allowed = roles_granted_by(request.membership)
    form = InviteForm(request.POST or None, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        invite(request, form.cleaned_data)
        messages.success(
            request,
            gettext("Invitation envoyée à %(email)s.") % {"email": form.cleaned_data["email"]},
        )
        return redirect("staff", tenant_slug=request.tenant.slug)
    members = (
        Membership.objects.filter(tenant=request.tenant)
        .select_related("user")
        .order_by("role", "user__email")
    )
    context = {"form": form, "members": members, "allowed": allowed, "roles": Role.choices}
    return render(request, "accounts/staff.html", context)


def invite(request, data: dict) -> None:
    """The person gets a membership and a mail with a link to choose their password."""
    with transaction.atomic():
        user = ensure_user(
            email=data["email"], first_name=data["first_name"], last_name=data["last_name"]
        )
        membership, _created = Membership.objects.update_or_create(
            user=user, tenant=request.tenant, defaults={"role": data["role"], "is_active": True}
        )
        audit(
            by=Actor.from_request(request),
            action="membership.invited",
            obj=membership,
            before={},
            after={"email": user.email, "role": data["role"]},
        )
    reset = ResetPasswordForm(data={"email": user.email})
    if reset.is_valid():
        reset.save(request)


@require_POST
@member_required(Role.ADMIN, Role.MANAGER)
def change_member(request, membership_id: int):
    target = get_object_or_404(Membership, pk=membership_id, tenant=request.tenant)
    allowed = roles_granted_by(request.membership)
    role = request.POST.get("role", target.role)
    active = request.POST.get("is_active") == "on"  # an unticked box sends nothing
    if target.user_id == request.user.pk:
        messages.error(request, gettext("Vous ne pouvez pas modifier votre propre accès."))
    elif target.role not in allowed or role not in allowed:
        messages.error(request, gettext("Votre rôle ne permet pas ce changement."))
    else:
        before = {"role": target.role, "is_active": target.is_active}
        target.role, target.is_active = role, active
        target.save(update_fields=["role", "is_active"])
        audit(
            by=Actor.from_request(request),
            action="membership.updated",
            obj=target,
            before=before,
            after={"role": role, "is_active": active},
        )
        messages.success(request, gettext("%(person)s : modifié.") % {"person": target.user})
    return redirect("staff", tenant_slug=request.tenant.slug)
