"""GET /healthz, for load balancers: 200 when the database answers, 503 when it does not."""
from chat import create_app
from config import DevelopmentConfig


def test_the_health_check_answers_when_the_database_does(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}


def test_the_health_check_says_503_when_the_database_is_gone(tmp_path):
    app = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/healthz")
    assert (response.status_code, response.get_json()["database"]) == (503, "down")
