"""Sign-up, log-in and log-out pages."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from chat.errors import Problem
from chat.limits import login_limited, signup_limited
from chat.login import end_login, start_session
from chat.models import User, onboarding
from chat.pages.forms import LoginForm, SignupForm, show_problem
from chat.security import safe_next

bp = Blueprint("auth", __name__)


@bp.route("/signup", methods=["GET", "POST"])
@signup_limited
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        try:
            return arrive(onboarding.sign_up(form.username.data, form.password.data), url_for("rooms.index"))
        except Problem as problem:
            show_problem(form, problem)
            status = 400 if problem.field else problem.status  # a field to fix, or the site's refusal
    else:
        status = 400 if form.is_submitted() else 200
    return render_template("auth/signup.html", form=form, policy=onboarding.policy()), status


def arrive(arrival, target):
    """Log the new account in, tell it what signing up did, and send it on to `target`."""
    start_session(arrival.user)
    for note in arrival.notes():
        flash(note)
    return redirect(target)


@bp.route("/login", methods=["GET", "POST"])
@login_limited
def login():
    form = LoginForm()
    target = request.args.get("next")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(target))
    if form.validate_on_submit():
        user = User.authenticate(form.username.data, form.password.data)
        if user is not None:
            start_session(user, remember=form.remember.data)
            return redirect(safe_next(target))  # without one, home: the room they had open last
        form.form_errors.append("Wrong username or password.")
    return render_template("auth/login.html", form=form, next=target, policy=onboarding.policy()), \
        400 if form.is_submitted() else 200


@bp.post("/logout")
def logout():
    end_login()
    return redirect(url_for("auth.login"))
