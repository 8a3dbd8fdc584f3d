"""The demo's subscriptions: one case per rule, dated from today so the demo never ages.

The organizations are the local auth server's (`authserver/demo_seed.json`), created here by id
and name when no one has signed in yet. Each demo subscription is the oldest one of its
(organization, product); it is brought to its case as of today and written only where it
differs, so a second run on the same day writes nothing. Other subscriptions are left alone.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from apps.organizations.models import Organization

from .models import Product, Subscription

Status = Subscription.Status
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Case:
    """One demo subscription and the rule it shows."""

    organization: str  # the seed organization's name
    product: str
    status: str
    tier: str
    max_users: int | None
    storage_gb: int | None


CASES = (  # alice@acme.test sees Acme Corp's, carol@globex.test Globex's
    Case("Acme Corp", "buildeasy", Status.ACTIVE, "pro", 10, 100),  # counts through its period
    Case("Acme Corp", "teamspace", Status.TRIAL, "standard", 25, None),  # counts through its end
    Case("Globex", "buildeasy", Status.PAST_DUE, "enterprise", 100, 500),  # counts in its grace
    Case("Globex", "teamspace", Status.EXPIRED, "enterprise", 100, None),  # never counts
    Case("Globex", "autoflow", Status.CANCELLED, "pro", 20, None),  # never, even in its period
)


@dataclass(frozen=True)
class Outcome:
    """How many demo subscriptions a run created, updated and found as they should be."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


def seed_path() -> Path:
    """Return the local auth server's seed file, where the demo organizations are named."""
    return Path(settings.BASE_DIR) / "authserver" / "demo_seed.json"


def read_seed(path: Path) -> dict[str, Any]:
    """Return the seed file's content."""
    seed: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return seed


def seed_organizations(path: Path) -> dict[str, str]:
    """Return the seed's organization ids keyed by name."""
    return {org["name"]: org["id"] for org in read_seed(path)["organizations"]}


def cases_of(organization: str) -> str:
    """Return what the organization's demo subscriptions are: "buildeasy active, ..."."""
    labels = dict(Status.choices)
    return ", ".join(
        f"{c.product} {labels[c.status].lower()}" for c in CASES if c.organization == organization
    )


def refusal(user: dict[str, Any]) -> str | None:
    """Return why the auth server refuses the seed user's login, None when it lets them in."""
    if not user.get("emailVerified"):
        return "e-mail not verified"
    return None if user.get("active", True) else "inactive"


def user_lines(path: Path) -> list[str]:
    """Return one line per seed user: e-mail, password, organization, role and what it shows."""
    seed = read_seed(path)
    names = {org["id"]: org["name"] for org in seed["organizations"]}
    lines = []
    for user in seed["users"]:
        org = names.get(user.get("org"), "no organization")
        why = refusal(user)
        shows = f"login refused ({why})" if why else cases_of(org)
        lines.append(f"{user['email']} / {user['password']}: {org}, {user.get('role')}; {shows}")
    return lines


def midnight(now: datetime) -> datetime:
    """Return the start of `now`'s day in UTC: every demo date is a whole number of days from it."""
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def dates(status: str, today: datetime, grace: timedelta) -> dict[str, datetime | None]:
    """Return the dates that put a subscription of `status` in its case on `today`."""
    period_start: datetime | None = today - 15 * DAY
    period_end: datetime | None = today + 15 * DAY
    trial_ends: datetime | None = None
    if status == Status.TRIAL:
        period_start, period_end, trial_ends = None, None, today + 14 * DAY
    elif status == Status.PAST_DUE:  # the period ended, its grace has not
        period_end = today - timedelta(days=grace.days // 2)
        period_start = period_end - 30 * DAY
    elif status == Status.EXPIRED:
        period_start, period_end = today - 60 * DAY, today - 30 * DAY
    return {
        "current_period_start": period_start,
        "current_period_end": period_end,
        "trial_ends_at": trial_ends,
    }


def wanted(case: Case, today: datetime, grace: timedelta) -> dict[str, Any]:
    """Return every field of the case's subscription as of `today`."""
    return {
        "status": case.status,
        "tier": case.tier,
        "max_users": case.max_users,
        "storage_gb": case.storage_gb,
        **dates(case.status, today, grace),
    }


def organizations(names: dict[str, str]) -> dict[str, Organization]:
    """Return the demo organizations by name, creating those nobody has signed in to yet."""
    found = {}
    for name in sorted({case.organization for case in CASES}):
        found[name], _ = Organization.objects.get_or_create(
            remote_id=names[name], defaults={"name": name}
        )
    return found


def write(case: Case, organization: Organization, fields: dict[str, Any]) -> str:
    """Bring the case's subscription to `fields`; return created, updated or unchanged."""
    product = Product.objects.get(code=case.product)
    existing = Subscription.objects.filter(organization=organization, product=product)
    subscription = existing.order_by("created_at", "pk").first()
    if subscription is None:
        Subscription.objects.create(organization=organization, product=product, **fields)
        return "created"
    changed = [name for name, value in fields.items() if getattr(subscription, name) != value]
    if not changed:
        return "unchanged"
    for name in changed:
        setattr(subscription, name, fields[name])
    subscription.save(update_fields=[*changed, "updated_at"])
    return "updated"


@transaction.atomic
def apply(now: datetime, grace: timedelta, *, reset: bool = False) -> Outcome:
    """Give the demo organizations their cases as of `now`; `reset` first deletes all theirs."""
    orgs = organizations(seed_organizations(seed_path()))
    if reset:
        Subscription.objects.filter(organization__in=orgs.values()).delete()
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for case in CASES:
        counts[write(case, orgs[case.organization], wanted(case, midnight(now), grace))] += 1
    return Outcome(**counts)
