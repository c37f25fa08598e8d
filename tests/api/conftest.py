"""What the API tests share: the OpenAPI document's schemas, to check real responses against."""
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from chat.api.openapi import document

PREFIX = "/api/v1"
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
# The document as a schema resource, so its "#/components/..." references resolve.
DOCUMENT = "urn:chat:openapi"


def operations():
    return {(path, method): operation
            for path, item in document()["paths"].items()
            for method, operation in item.items() if method in METHODS}


def pointer(*parts):
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def response_validator(path, method, status):
    """A validator for the documented JSON body, or None when the status has no body."""
    responses = operations()[path, method]["responses"]
    assert str(status) in responses, f"{status} is not documented for {method.upper()} {path}"
    where, response = ("paths", path, method, "responses", str(status)), responses[str(status)]
    if "$ref" in response:
        where = response["$ref"].removeprefix("#/").split("/")
        response = document()["components"]["responses"][where[-1]]
    if "content" not in response:
        return None
    registry = Registry().with_resource(DOCUMENT, DRAFT202012.create_resource(document()))
    schema = {"$ref": f"{DOCUMENT}#/{pointer(*where, 'content', 'application/json', 'schema')}"}
    return Draft202012Validator(schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
