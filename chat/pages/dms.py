"""Opening a direct message from a page."""
from flask import Blueprint
from flask_login import current_user

from chat.errors import Problem
from chat.models import Room
from chat.pages import back_to, behind_login, render_directory
from chat.pages.forms import DirectForm, show_problem

bp = Blueprint("dms", __name__)
behind_login(bp)


@bp.post("/dms")
def create():
    """Open the DM with someone: from a member list's "Message" button or the directory's form."""
    form = DirectForm()
    if form.validate_on_submit():
        try:
            room, _ = Room.between(current_user, form.username.data)
        except Problem as problem:
            show_problem(form, problem)
        else:
            return back_to(room)
    return render_directory(dm=form, status=400)
