from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sejahtera.accounts import selectors, services
from sejahtera.accounts.filtersets import UserFilterSet
from sejahtera.accounts.forms import (
    LoginForm,
    NewUserForm,
    OwnPasswordForm,
    SetPasswordForm,
    TokenForm,
    UserForm,
)
from sejahtera.accounts.models import ApiToken, User
from sejahtera.accounts.permissions import can, require
from sejahtera.accounts.roles import Cap
from sejahtera.accounts.tables import UserTable
from sejahtera.common.views import ScopedListView


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def add_service_errors(form: BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors on their fields."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        form.add_error(None, error)


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = OwnPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password(
                actor=user, user=user, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Kata sandi Anda telah diganti."))
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


class UserListView(ScopedListView):
    capability = Cap.VIEW_USERS
    selector = selectors.users_for
    filterset_class = UserFilterSet
    table_class = UserTable
    export_name = "pengguna"
    title = gettext_lazy("Pengguna")
    template_name = "accounts/user_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_manage"] = can(self.request.user, Cap.MANAGE_USERS)
        return context


def _visible_user(request: HttpRequest, pk: int) -> User:
    user = selectors.users_for(request.user).filter(pk=pk).first()
    if user is None:
        raise Http404(_("Pengguna tidak ditemukan."))
    return user


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Cap.VIEW_USERS)
    user = _visible_user(request, pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": user,
            "tokens": selectors.tokens_of(user),
            "can_manage": can(request.user, Cap.MANAGE_USERS),
        },
    )


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Cap.MANAGE_USERS)
    form = NewUserForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_user(
                actor=request.user, data=form.to_data(), password=form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Pengguna %(name)s dibuat.") % {"name": user.username})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": _("Pengguna baru")})


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Cap.MANAGE_USERS)
    user = _visible_user(request, pk)
    form = UserForm(request.POST or None, actor=request.user, initial=UserForm.initial_for(user))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_user(
                actor=request.user,
                user=user,
                data=form.to_data(),
                is_active=form.cleaned_data["is_active"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Perubahan disimpan."))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "title": _("Ubah pengguna %(name)s") % {"name": user.username},
            "subject": user,
        },
    )


@login_required
def user_set_password(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Cap.MANAGE_USERS)
    user = _visible_user(request, pk)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password(
                actor=request.user, user=user, password=form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Kata sandi %(name)s diganti.") % {"name": user.username})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "title": _("Kata sandi baru untuk %(name)s") % {"name": user.username},
            "subject": user,
        },
    )


@login_required
def my_tokens(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = TokenForm(request.POST or None)
    plain = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, plain = services.issue_api_token(
                actor=user, user=user, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": selectors.tokens_of(user),
            "plain": plain,
            "can_use_api": can(user, Cap.USE_API),
        },
    )


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    if token.user_id != request.user.pk:
        require(request.user, Cap.MANAGE_USERS)
        _visible_user(request, token.user_id)
    services.revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("Token dicabut."))
    if token.user_id == request.user.pk:
        return redirect("accounts:tokens")
    return redirect("accounts:user_detail", pk=token.user_id)
