"""The API's OpenAPI document, kept beside the routes it describes."""
import functools
import json
import os

from flask import current_app

from chat.api import bp

PATH = os.path.join(os.path.dirname(__file__), "openapi.json")


@functools.cache
def document():
    with open(PATH, encoding="utf-8") as file:
        return json.load(file)


@bp.get("/openapi.json")
def openapi():
    return current_app.json.response(document())
