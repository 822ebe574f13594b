"""Account pages that need more than Django's own views: the password reset, rate limited."""

from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _

from territoire import ratelimits


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, limited per client address and per e-mail address.

    Each request sends a mail: without a limit the form is a way to flood someone's inbox (per
    e-mail) or to make our server a mail cannon (per address). A refused request keeps what was
    typed and says when to try again (HTTP 429); the limit applies to every address typed, known or
    not, so it reveals nothing about which accounts exist.
    """

    def post(self, request, *args, **kwargs):
        email = request.POST.get("email", "").strip().lower()
        by_address = ratelimits.limited(request, ratelimits.PASSWORD_RESET)
        by_email = bool(email) and ratelimits.limited(request, ratelimits.PASSWORD_RESET_EMAIL, value=email)
        if by_address or by_email:
            form = self.get_form()
            form.is_valid()
            form.add_error(
                None, _("Trop de demandes de nouveau mot de passe ont été faites : réessayez dans une heure.")
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)
