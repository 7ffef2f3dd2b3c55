"""The `alliance` command, run in-process against the test database."""

from sqlalchemy import func, select

from alliance.auth.models import ApiToken
from alliance.db import db
from alliance.members.models import Alliance, Membership
from tests.support import Browser


def test_demo_loads_once_and_prints_its_slug_and_sign_ins(cli, app, monkeypatch):
    monkeypatch.setenv("ALLIANCE_DEMO_PASSWORD", "demo passphrase for tests")
    first = cli("demo")
    assert first.exit_code == 0, first.output
    assert "Alliance: riverside" in first.output
    assert "manager@riverside.example" in first.output
    assert "demo passphrase for tests" in first.output
    again = cli("demo")
    assert again.exit_code == 0
    assert "was not loaded again" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Alliance)) == 1


def test_the_demo_has_people_in_every_role_and_verifies(cli, app, monkeypatch):
    monkeypatch.setenv("ALLIANCE_DEMO_PASSWORD", "demo passphrase for tests")
    cli("demo")
    with app.app_context():
        roles = {r.value for m in db.session.scalars(select(Membership)) for r in m.roles}
    assert roles == {
        "manager",
        "commissioner",
        "finance_lead",
        "board_representative",
        "board_alternate",
        "observer",
    }
    assert cli("audit", "verify").exit_code == 0


def test_a_random_demo_password_is_kept_so_a_second_run_prints_the_same_one(cli, monkeypatch):
    monkeypatch.delenv("ALLIANCE_DEMO_PASSWORD", raising=False)
    first = [line for line in cli("demo").output.splitlines() if "Demo password" in line]
    second = [line for line in cli("demo").output.splitlines() if "Demo password" in line]
    assert first and first[0].split(": ")[-1] == second[0].split(": ")[-1]


def test_the_first_manager_comes_from_the_command_line(cli, app):
    assert cli("create-alliance", "--name", "North Alliance", "--prefix", "NA").exit_code == 0
    assert (
        cli(
            "add-organisation",
            "--alliance",
            "north-alliance",
            "--name",
            "North Council",
            "--kind",
            "commissioner",
        ).exit_code
        == 0
    )
    created = cli("create-user", "--email", "Boss@North.example", "--name", "Pat Boss")
    assert created.exit_code == 0
    one_time_password = created.output.strip().splitlines()[-1]
    assert len(one_time_password) >= 15
    added = cli(
        "add-member",
        "--alliance",
        "north-alliance",
        "--email",
        "boss@north.example",
        "--org",
        "north-council",
        "--role",
        "manager",
    )
    assert added.exit_code == 0, added.output
    browser = Browser(app.test_client())
    assert browser.sign_in("boss@north.example", one_time_password).status_code == 302
    assert browser.get("/alliances/north-alliance/").status_code == 200


def test_token_create_prints_the_token_alone_on_the_last_line_and_it_works(cli, app, world):
    result = cli("token", "create", "--email", world.emails["observer"], "--name", "export")
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("alliance_pat_") and " " not in token
    me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.get_json()["email"] == world.emails["observer"]


def test_token_revoke_accepts_the_token_or_its_id(cli, app, world):
    first = (
        cli("token", "create", "--email", world.emails["manager"]).output.strip().splitlines()[-1]
    )
    second = (
        cli("token", "create", "--email", world.emails["manager"]).output.strip().splitlines()[-1]
    )
    assert cli("token", "revoke", first).exit_code == 0
    with app.app_context():
        second_id = max(db.session.scalars(select(ApiToken.id)))
    assert cli("token", "revoke", str(second_id)).exit_code == 0
    client = app.test_client()
    for token in (first, second):
        assert (
            client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code
            == 401
        )


def test_refused_input_exits_1_with_one_line_and_no_traceback(cli):
    result = cli(
        "add-member", "--alliance", "nowhere", "--email", "x@example.org", "--role", "observer"
    )
    assert result.exit_code == 1
    assert result.output.strip() == "Error: No alliance with the slug nowhere"
    assert "Traceback" not in result.output


def test_a_weak_password_for_a_new_user_is_refused(cli):
    result = cli(
        "create-user",
        "--email",
        "a@example.org",
        "--name",
        "A",
        "--password-stdin",
        input="password\n",
    )
    assert result.exit_code == 1
    assert "15 characters" in result.output


def test_bad_usage_exits_2(cli):
    assert cli("token", "create").exit_code == 2
    assert cli("add-member", "--alliance", "x", "--email", "y", "--role", "emperor").exit_code == 2


def test_every_command_explains_itself(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for command in (
        "serve",
        "db",
        "demo",
        "create-alliance",
        "add-member",
        "create-user",
        "token",
        "audit",
    ):
        assert command in result.output


def test_db_current_names_the_revision(cli):
    from alembic.script import ScriptDirectory

    from alliance.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    result = cli("db", "current")
    assert result.exit_code == 0
    assert result.output.strip() == head


def test_deactivating_a_person_ends_their_sessions_and_tokens(cli, app, world):
    token = (
        cli("token", "create", "--email", world.emails["finance_lead"])
        .output.strip()
        .splitlines()[-1]
    )
    browser = Browser(app.test_client())
    browser.sign_in(world.emails["finance_lead"])
    assert browser.get("/alliances/riverside/").status_code == 200
    assert cli("deactivate-user", "--email", world.emails["finance_lead"]).exit_code == 0
    assert browser.get("/alliances/riverside/").status_code == 302
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401
    assert cli("activate-user", "--email", world.emails["finance_lead"]).exit_code == 0
    assert Browser(app.test_client()).sign_in(world.emails["finance_lead"]).status_code == 302
