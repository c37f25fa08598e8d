"""The README's two commands stay true, and CI runs the test one verbatim."""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(name):
    with open(os.path.join(ROOT, name), encoding="utf-8") as file:
        return file.read()


def command(readme, mark):
    return re.search(rf"<!-- {mark} -->\n```sh\n(.+?)\n```", readme).group(1)


def test_the_readme_has_exactly_two_commands_a_run_and_a_test():
    readme = read("README.md")
    assert len(re.findall(r"^```sh$", readme, flags=re.M)) == 2
    run, test = command(readme, "run"), command(readme, "test")
    assert run.startswith("python3 -m venv .venv ") and "gunicorn -c gunicorn.conf.py wsgi:app" in run
    assert "db upgrade" in run
    assert test.startswith("python3 -m venv .venv-test ") and "pytest" in test


def test_ci_runs_the_readme_test_command_with_services_required():
    ci, readme = read(".ci/run"), read("README.md")
    assert command(readme, "test") in ci.splitlines()
    assert "export REQUIRE_SERVICES=1" in ci
    assert "export TEST_DATABASE_URL=" in ci and "export TEST_REDIS_URL=" in ci


def operating_commands(readme):
    """Each `flask` command line of "Operating it" and "First steps", as written."""
    sections = re.findall(r"^## (?:Operating it|First steps)\n(.*?)(?=^## )", readme, flags=re.M | re.S)
    return re.findall(r"`([^`]*\bflask --app wsgi [^`]*)`", " ".join(" ".join(sections).split()))


def test_the_operating_commands_run_from_the_run_commands_venv_and_name_real_commands(app):
    commands = operating_commands(read("README.md"))
    assert len(commands) >= 9
    runner = app.test_cli_runner()
    for line in commands:
        assert line.startswith(".venv/bin/flask --app wsgi "), line
        words = [w for w in line.removeprefix(".venv/bin/flask --app wsgi ").split() if re.fullmatch(r"[a-z-]+", w)]
        path = words[:2] if words[0] in ("users", "rooms", "db", "bench") else words[:1]
        result = runner.invoke(args=[*path, "--help"])
        assert result.exit_code == 0, (line, result.output)


def test_the_first_steps_cover_the_admin_invites_the_demo_and_production():
    steps = re.search(r"^## First steps\n(.*?)(?=^## )", read("README.md"), flags=re.M | re.S).group(1)
    for needed in ("first account", "site admin", "#general", "Invite link", "SIGNUP", "flask --app wsgi demo",
                   "CHAT_ENV=production", "SECRET_KEY", "BIND", "TRUSTED_PROXIES=1", "REDIS_URL", "PostgreSQL"):
        assert needed in steps, needed
