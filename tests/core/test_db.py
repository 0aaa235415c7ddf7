"""Inserts that may meet a unique row, in real transactions (not the test's own)."""

from __future__ import annotations

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.core.db import (
    ID_BLOCK,
    can_insert_with,
    insert_or_ignore,
    insert_with,
    insert_with_or_read,
    reserve_id,
)
from masthead.mail.models import Delivery
from masthead.metering.models import Consent

pytestmark = pytest.mark.django_db(transaction=True)


def _delivery(key: str) -> Delivery:
    return Delivery(key=key, to="reader@example.org", template="metering/activation")


def test_insert_or_ignore_inserts_once_and_reports_the_second_as_ignored():
    first, second = _delivery("k-1"), _delivery("k-1")
    assert insert_or_ignore(first) is True and first.pk is not None
    assert insert_or_ignore(second) is False and second.pk is None
    assert Delivery.objects.filter(key="k-1").count() == 1


def test_a_wall_signup_in_its_own_transaction_commits_account_consent_email_and_task(home):
    """On PostgreSQL the sign-up is one SQL statement (``core.db.insert_with``):
    the path production runs, which SQLite never takes (it writes row by row).
    So this test, and the ``needs_postgresql`` ones below, test that path only
    in CI's PostgreSQL run (``.ci/run``, the second pass): keep them there."""
    from django_tasks_db.models import DBTaskResult

    from masthead.accounts.models import User
    from masthead.core.models import SiteSettings
    from masthead.metering.services import wall_signup

    SiteSettings.load()  # the settings row exists, as on any site past its first request
    with CaptureQueriesContext(connection) as queries:
        wall_signup(email="New.Reader@Example.org", agreed=True, ip="203.0.113.5", next_url="/")
    inserts = [q["sql"] for q in queries if "INSERT" in q["sql"]]
    if connection.vendor == "postgresql":  # account, consent, email and task: one statement
        assert len(inserts) == 1, inserts
    user = User.objects.get(email="New.Reader@example.org")
    assert Consent.objects.filter(user=user, source=Consent.WALL, ip="203.0.113.5").exists()
    delivery = Delivery.objects.get(key=f"wall-activation:{user.pk}")
    assert DBTaskResult.objects.filter(args_kwargs__args=[delivery.pk]).count() == 1


# The one-statement sign-up runs only on PostgreSQL (production); CI's PostgreSQL
# run is where these tests run. Do not drop them for lack of a local PostgreSQL.
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="one-statement inserts are PostgreSQL's"
)


def _reader(email: str):
    from masthead.accounts.models import User
    from masthead.accounts.services import reader_new

    user = reader_new(email=email)
    user.pk = reserve_id(User)
    return user


@needs_postgresql
def test_reserved_ids_are_distinct_and_never_handed_out_again():
    from masthead.accounts.models import User
    from tests.accounts.factories import UserFactory

    reserved = {reserve_id(User) for _ in range(ID_BLOCK + 5)}  # crosses a block
    assert len(reserved) == ID_BLOCK + 5
    assert UserFactory().pk not in reserved


@needs_postgresql
def test_insert_with_writes_the_head_and_its_dependents_in_one_statement():
    user = _reader("one.statement@example.org")
    consent = Consent(user=user, terms_version="2026-01", ip="203.0.113.9", source=Consent.WALL)
    with CaptureQueriesContext(connection) as queries:
        assert insert_with(user, consent) is True
    assert len(queries) == 1, [q["sql"] for q in queries]
    saved = Consent.objects.get(user_id=user.pk)
    assert saved.ip == "203.0.113.9" and saved.agreed_at is not None
    assert consent.pk == saved.pk  # the key the database chose is set on the row


@needs_postgresql
def test_insert_with_writes_nothing_when_the_head_is_already_there():
    insert_with(_reader("taken@example.org"))
    again = _reader("TAKEN@example.org")  # the same address in another case
    consent = Consent(user=again, terms_version="2026-01", source=Consent.WALL)
    assert insert_with(again, consent) is False
    assert consent._state.adding is True
    assert not Consent.objects.filter(user_id=again.pk).exists()


@needs_postgresql
def test_a_dependent_that_breaks_a_constraint_leaves_nothing_behind():
    from masthead.accounts.models import User

    insert_with(_reader("first@example.org"), _delivery("wall-activation:dup"))
    user = _reader("second@example.org")
    with pytest.raises(IntegrityError):
        insert_with(user, _delivery("wall-activation:dup"))
    assert not User.objects.filter(pk=user.pk).exists()


def test_insert_with_is_offered_only_outside_a_transaction_on_postgresql():
    from masthead.accounts.models import User

    assert can_insert_with(User) is (connection.vendor == "postgresql")
    with transaction.atomic():
        assert can_insert_with(User) is False


@needs_postgresql
def test_the_send_task_row_is_the_row_the_database_backend_writes():
    """send_task_row copies DatabaseBackend.enqueue: compare them, so an upgrade
    of django-tasks-db that changes the row fails here."""
    from django_tasks_db.models import DBTaskResult

    from masthead.mail.rows import send_task_row
    from masthead.mail.tasks import send_delivery

    delivery = _delivery("compare")
    delivery.pk = reserve_id(Delivery)
    ours = send_task_row(delivery)
    insert_with(delivery, ours)
    theirs = DBTaskResult.objects.get(pk=send_delivery.enqueue(delivery.pk).id)
    ours = DBTaskResult.objects.get(pk=ours.pk)
    skip = {"id", "enqueued_at"}
    fields = [f.attname for f in DBTaskResult._meta.concrete_fields if f.attname not in skip]
    assert {f: getattr(ours, f) for f in fields} == {f: getattr(theirs, f) for f in fields}


@needs_postgresql
def test_a_drawn_id_someone_took_falls_back_to_the_general_path(home, caplog):
    """After a sequence went back (a restored dump), the sign-up still goes through."""
    from django_tasks_db.models import DBTaskResult

    from masthead.accounts.models import User
    from masthead.metering.services import wall_signup

    squatter = _delivery("squatter")
    squatter.pk = reserve_id(Delivery) + 1  # the id the sign-up will draw next
    insert_or_ignore(squatter)
    wall_signup(email="late.reader@example.org", agreed=True, ip="203.0.113.5", next_url="/")
    assert "one-statement sign-up refused" in caplog.text
    user = User.objects.get(email="late.reader@example.org")
    delivery = Delivery.objects.get(key=f"wall-activation:{user.pk}")
    assert delivery.pk != squatter.pk
    assert DBTaskResult.objects.filter(args_kwargs__args=[delivery.pk]).count() == 1
    assert Consent.objects.filter(user=user).count() == 1


@needs_postgresql
def test_a_drawn_account_id_someone_took_is_replaced_by_a_fresh_draw(home):
    from masthead.accounts.models import User
    from masthead.metering.services import wall_signup

    squatter = _reader("squatter@example.org")
    squatter.pk = reserve_id(User) + 1  # the id the sign-up will draw next
    insert_with(squatter)
    wall_signup(email="late.reader@example.org", agreed=True, ip="203.0.113.5", next_url="/")
    user = User.objects.get(email="late.reader@example.org")  # through the general path
    assert Delivery.objects.filter(key=f"wall-activation:{user.pk}").count() == 1
    assert reserve_id(User) > user.pk  # the old block was dropped: a fresh draw


@needs_postgresql
def test_a_drawn_email_id_someone_took_still_sends_a_known_reader_their_link(home, caplog):
    """For an address with an account the second statement's email has a drawn
    id too: taken, it is an error (the general path then runs), not a refusal
    that would pass for "this email went out already" and send nothing."""
    from masthead.metering.services import wall_signup
    from tests.metering.factories import ReaderFactory

    reader = ReaderFactory(email="known@example.org")
    drawn = reserve_id(Delivery)
    for taken in (drawn + 1, drawn + 2):  # the ids the sign-up's two statements draw next
        squatter = _delivery(f"squatter-{taken}")
        squatter.pk = taken
        insert_or_ignore(squatter)
    wall_signup(email="known@example.org", agreed=True, ip="203.0.113.5", next_url="/")
    [refused] = [r for r in caplog.records if r.name == "masthead.metering.services"]
    assert refused.getMessage() == "one-statement sign-up refused; drawing new ids"
    assert refused.exc_info[0] is IntegrityError  # the error itself, for whoever reads the log
    assert Delivery.objects.filter(to="known@example.org", template="accounts/signin_link").exists()
    assert Consent.objects.filter(user=reader, source=Consent.WALL).count() == 1


@needs_postgresql
def test_a_refused_head_answers_the_row_that_was_there_in_the_same_statement():
    from masthead.accounts.models import User
    from masthead.accounts.services import reader_found, reader_lookup

    first = _reader("there@example.org")
    insert_with(first)
    again = _reader("THERE@example.org")
    consent = Consent(user=again, terms_version="2026-01", source=Consent.WALL)
    with CaptureQueriesContext(connection) as queries:
        outcome = insert_with_or_read(again, consent, read=reader_lookup(email="There@example.org"))
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert outcome.inserted is False
    found = reader_found(outcome.found)
    assert found.user.pk == first.pk and found.user.email == "there@example.org"
    assert found.user.password == first.password and found.address_confirmed is False
    assert found.user.date_joined == first.date_joined and found.user.is_active is True
    assert found.user.last_login is None
    assert not Consent.objects.exists() and User.objects.count() == 1


@needs_postgresql
def test_a_new_head_goes_in_and_nothing_is_read():
    from masthead.accounts.services import reader_lookup

    user = _reader("fresh@example.org")
    outcome = insert_with_or_read(user, read=reader_lookup(email="fresh@example.org"))
    assert outcome.inserted is True and outcome.found is None


@needs_postgresql
def test_rows_alongside_go_in_whether_or_not_the_head_does():
    insert_with(_reader("along@example.org"))
    from masthead.accounts.models import User

    user = User.objects.get()
    first = _delivery("along-key")
    first.pk = reserve_id(Delivery)
    assert insert_with(first, alongside=(Consent(user=user, source=Consent.WALL),)) is True
    repeat = _delivery("along-key")
    repeat.pk = reserve_id(Delivery)
    consent = Consent(user=user, source=Consent.WALL)
    assert insert_with(repeat, alongside=(consent,), conflict_on=("key",)) is False
    assert consent.pk is not None and repeat._state.adding is True
    assert Consent.objects.filter(user=user).count() == 2
    assert Delivery.objects.filter(key="along-key").count() == 1


@needs_postgresql
def test_with_a_conflict_target_a_taken_key_is_an_error_not_a_refusal():
    taken = _delivery("first-key")
    taken.pk = reserve_id(Delivery)
    insert_with(taken)
    clash = _delivery("second-key")
    clash.pk = taken.pk
    with pytest.raises(IntegrityError):
        insert_with(clash, conflict_on=("key",))
    assert insert_with(clash) is False  # without a target it passes for a refusal


def _wall_signup(email: str) -> list[str]:
    """A wall sign-up outside any transaction, as a request makes it; its SQL."""
    from masthead.metering.services import wall_signup

    with CaptureQueriesContext(connection) as queries:
        wall_signup(email=email, agreed=True, ip="203.0.113.5", next_url="/story/")
    return [q["sql"] for q in queries]


@needs_postgresql
@pytest.mark.parametrize("activated", [False, True])
def test_a_known_address_takes_the_same_statement_and_one_more(home, activated):
    """Known and unknown addresses do the same work (their timing must not tell
    them apart, tests/accounts/test_enumeration_timing.py): the one statement,
    which for a known address reads its account, then its consent and email in
    a second statement. The activated reader gets a sign-in link, once."""
    from django_tasks_db.models import DBTaskResult

    from masthead.core.models import SiteSettings
    from tests.accounts.factories import UserFactory, WallReaderFactory

    SiteSettings.load()
    _wall_signup("warm.up@example.org")  # ids drawn, as on a server past its first sign-up
    reader = (UserFactory if activated else WallReaderFactory)(email="known@example.org")

    with time_machine.travel(timezone.now(), tick=False):  # one sign-in link window
        first, second = _wall_signup("Known@example.org"), _wall_signup("known@example.org")

    assert len(first) == len(second) == 2, first
    assert all(sql.startswith("WITH") for sql in first + second)
    assert Consent.objects.filter(user=reader, source=Consent.WALL).count() == 2
    template = "accounts/signin_link" if activated else "metering/activation"
    deliveries = list(Delivery.objects.filter(to="known@example.org"))
    assert len(deliveries) == 1, [(d.key, d.context) for d in deliveries]
    [delivery] = deliveries
    assert delivery.template == template
    assert DBTaskResult.objects.filter(args_kwargs__args=[delivery.pk]).count() == 1
    if not activated:
        assert delivery.key == f"wall-activation:{reader.pk}"
        assert "/welcome/" in delivery.context["setup_url"]


@needs_postgresql
def test_a_deactivated_account_gets_nothing_and_no_consent(home):
    from masthead.accounts.models import User
    from tests.accounts.factories import UserFactory

    _wall_signup("warm.up@example.org")
    reader = UserFactory(email="gone@example.org", is_active=False)
    [write] = [sql for sql in _wall_signup("gone@example.org") if "INSERT" in sql]
    assert write.startswith("WITH")  # the one statement, which read the account and stopped
    assert not Consent.objects.filter(user=reader).exists()
    assert not Delivery.objects.filter(to="gone@example.org").exists()
    assert User.objects.count() == 2


def test_a_query_template_is_compiled_once_and_takes_each_value():
    from masthead.accounts.models import User
    from masthead.core.db import QueryTemplate

    builds = []

    def build(value):
        builds.append(value)
        return User.objects.filter(email=value).values_list("pk")

    template = QueryTemplate(build)
    first_sql, first = template.sql("one@example.org")
    second_sql, second = template.sql("two@example.org")
    assert first_sql == second_sql and len(builds) == 1
    assert "one@example.org" in first and "two@example.org" in second
    assert "one@example.org" not in second
    with connection.cursor() as cursor:
        cursor.execute(second_sql, second)
        assert cursor.fetchall() == []
    with pytest.raises(ValueError):
        QueryTemplate(lambda value: User.objects.filter(email=value.upper())).sql("x@y")
