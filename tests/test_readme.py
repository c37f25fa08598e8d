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
