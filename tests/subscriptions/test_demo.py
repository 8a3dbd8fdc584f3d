"""`manage.py demo_data`: one subscription per rule, dated from today, idempotent, DEBUG only."""

from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.organizations.models import Organization
from apps.subscriptions import demo
from apps.subscriptions.models import Product, Subscription
from apps.subscriptions.rules import grace_period, is_active
from tests.fixtures.authserver import SEED_PATH

from .factories import make_subscription

pytestmark = pytest.mark.django_db

NOW = datetime(2031, 3, 10, 15, 30, tzinfo=UTC)
GRACE = timedelta(days=7)
# What the README's demo table promises: (organization, product) → counts now.
COUNTS = {
    ("Acme Corp", "buildeasy"): True,
    ("Acme Corp", "teamspace"): True,
    ("Globex", "buildeasy"): True,
    ("Globex", "teamspace"): False,
    ("Globex", "autoflow"): False,
}


def demo_rows() -> dict[tuple[str, str], Subscription]:
    rows = Subscription.objects.select_related("organization", "product")
    return {(s.organization.name, s.product.code): s for s in rows}


def run_command(settings: Any, *args: str) -> list[str]:
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_data", *args, stdout=out)
    return out.getvalue().splitlines()


def test_each_case_shows_its_rule_as_of_today() -> None:
    demo.apply(NOW, GRACE)
    rows = demo_rows()
    assert {key: is_active(s, NOW, GRACE) for key, s in rows.items()} == COUNTS
    statuses = {s.status for s in rows.values()}
    assert statuses == {"active", "trial", "past_due", "expired", "cancelled"}


def test_past_due_counts_only_through_its_grace() -> None:
    demo.apply(NOW, GRACE)
    past_due = demo_rows()[("Globex", "buildeasy")]
    assert past_due.current_period_end is not None
    assert past_due.current_period_end < NOW
    assert not is_active(
        past_due, past_due.current_period_end + GRACE + timedelta(seconds=1), GRACE
    )


def test_cancelled_does_not_count_even_inside_its_period() -> None:
    demo.apply(NOW, GRACE)
    cancelled = demo_rows()[("Globex", "autoflow")]
    assert cancelled.current_period_end is not None
    assert cancelled.current_period_end > NOW
    assert not is_active(cancelled, NOW, GRACE)


def test_the_organizations_are_the_auth_servers_demo_organizations() -> None:
    demo.apply(NOW, GRACE)
    seeded = demo.seed_organizations(SEED_PATH)
    assert {o.name: o.remote_id for o in Organization.objects.all()} == seeded


def test_an_organization_mirrored_already_keeps_its_row_and_name() -> None:
    seeded = demo.seed_organizations(SEED_PATH)
    mirrored = Organization.objects.create(remote_id=seeded["Globex"], name="Globex Ltd")
    demo.apply(NOW, GRACE)
    mirrored.refresh_from_db()
    assert mirrored.name == "Globex Ltd"
    assert mirrored.subscriptions.count() == 3


def test_a_second_run_the_same_day_writes_nothing() -> None:
    assert demo.apply(NOW, GRACE) == demo.Outcome(created=5)
    before = {key: (s.pk, s.updated_at) for key, s in demo_rows().items()}
    assert demo.apply(NOW + timedelta(hours=8), GRACE) == demo.Outcome(unchanged=5)
    assert {key: (s.pk, s.updated_at) for key, s in demo_rows().items()} == before


def test_a_run_on_a_later_day_moves_the_dates_so_the_demo_never_ages() -> None:
    demo.apply(NOW, GRACE)
    later = NOW + timedelta(days=40)
    assert demo.apply(later, GRACE) == demo.Outcome(updated=5)
    assert {key: is_active(s, later, GRACE) for key, s in demo_rows().items()} == COUNTS


def test_a_case_changed_by_hand_is_brought_back_and_others_are_left_alone() -> None:
    demo.apply(NOW, GRACE)
    acme = Organization.objects.get(name="Acme Corp")
    Subscription.objects.filter(organization=acme, product__code="buildeasy").update(tier="free")
    extra = make_subscription(acme, "autoflow", "suspended")
    assert demo.apply(NOW, GRACE) == demo.Outcome(updated=1, unchanged=4)
    assert demo_rows()[("Acme Corp", "buildeasy")].tier == "pro"
    assert Subscription.objects.filter(pk=extra.pk).exists()


def test_reset_deletes_the_demo_organizations_subscriptions_first() -> None:
    demo.apply(NOW, GRACE)
    acme = Organization.objects.get(name="Acme Corp")
    extra = make_subscription(acme, "autoflow", "suspended")
    assert demo.apply(NOW, GRACE, reset=True) == demo.Outcome(created=5)
    assert not Subscription.objects.filter(pk=extra.pk).exists()
    assert Subscription.objects.count() == 5


def test_command_reports_what_it_wrote_and_is_idempotent(settings: Any) -> None:
    assert run_command(settings)[0] == "demo data: 5 created, 0 updated, 0 unchanged"
    assert run_command(settings)[0] == "demo data: 0 created, 0 updated, 5 unchanged"
    assert run_command(settings, "--reset")[0] == "demo data: 5 created, 0 updated, 0 unchanged"
    assert Subscription.objects.count() == 5


def test_command_lists_the_demo_users_with_passwords_and_what_each_shows(settings: Any) -> None:
    lines = run_command(settings)[1:]
    assert lines[0] == (
        "demo users of the local auth server (authserver/demo_seed.json), e-mail / password:"
    )
    assert lines[1:] == [
        "  alice@acme.test / demo-password-1: Acme Corp, admin; buildeasy active, teamspace trial",
        "  bob@acme.test / demo-password-2: Acme Corp, member; buildeasy active, teamspace trial",
        "  carol@globex.test / demo-password-3: Globex, admin; "
        "buildeasy past due, teamspace expired, autoflow cancelled",
        "  dave@globex.test / demo-password-4: Globex, member; login refused (e-mail not verified)",
        "  erin@acme.test / demo-password-5: Acme Corp, member; login refused (inactive)",
    ]


def test_command_uses_the_configured_grace(settings: Any) -> None:
    settings.SUBSCRIPTION_GRACE_DAYS = 20
    run_command(settings)
    past_due = demo_rows()[("Globex", "buildeasy")]
    assert past_due.current_period_end is not None
    assert past_due.current_period_end <= demo.midnight(datetime.now(UTC)) - timedelta(days=10)
    assert is_active(past_due, datetime.now(UTC), grace_period())


def test_command_names_a_missing_product_instead_of_crashing(settings: Any) -> None:
    Product.objects.filter(code="autoflow").delete()
    with pytest.raises(CommandError, match="a demo product is missing"):
        run_command(settings)
    assert not Subscription.objects.exists()


def test_command_refuses_without_debug_so_never_under_production_settings(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("demo_data")
    assert not Subscription.objects.exists()
    assert not Organization.objects.exists()
