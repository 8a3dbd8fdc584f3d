"""Keep users and organizations in memory, thread-safe, as immutable snapshots."""

import threading
from dataclasses import replace
from typing import Any

from .models import Organization, User
from .seed import Seed


class DirectoryError(Exception):
    """Raised when a directory write is refused; subclasses say why."""


class DuplicateEmail(DirectoryError):
    """Raised when an email already belongs to another user."""


class UnknownUser(DirectoryError):
    """Raised when no user has the given id or email."""


class UnknownOrganization(DirectoryError):
    """Raised when a user is moved to an organization that does not exist."""


class Directory:
    """Store users by id (with an email index) and organizations by id."""

    def __init__(self, seed: Seed) -> None:
        self._lock = threading.Lock()
        self._users: dict[str, User] = {}
        self._emails: dict[str, str] = {}
        self._orgs: dict[str, Organization] = {}
        self.restore(seed)

    def restore(self, seed: Seed) -> None:
        """Replace every record with those of `seed`."""
        with self._lock:
            self._users = {
                user.id: replace(user, number=n) for n, user in enumerate(seed.users, start=1)
            }
            self._emails = {user.email: user.id for user in seed.users}
            self._orgs = {org.id: org for org in seed.organizations}

    def get(self, user_id: str) -> User | None:
        """Return the user with id `user_id`, or None."""
        return self._users.get(user_id)

    def by_email(self, email: str) -> User | None:
        """Return the user with `email` (case-insensitive), or None."""
        user_id = self._emails.get(email.strip().lower())
        return self._users.get(user_id) if user_id else None

    def find(self, ident: str) -> User | None:
        """Return the user whose id or email is `ident`, or None."""
        return self.get(ident) or self.by_email(ident)

    def org(self, org_id: str) -> Organization | None:
        """Return the organization with id `org_id`, or None."""
        return self._orgs.get(org_id)

    def add(self, user: User, org: Organization) -> None:
        """Store a new user with its new organization; raise DuplicateEmail."""
        with self._lock:
            if user.email in self._emails:
                raise DuplicateEmail(user.email)
            self._orgs[org.id] = org
            self._users[user.id] = replace(user, number=len(self._users) + 1)
            self._emails[user.email] = user.id

    def save_org(self, org: Organization) -> None:
        """Create or replace organization `org`."""
        with self._lock:
            self._orgs[org.id] = org

    def update(self, user_id: str, **changes: Any) -> User:
        """Apply `changes` (User field names) to a user and return the new snapshot."""
        with self._lock:
            current = self._users.get(user_id)
            if current is None:
                raise UnknownUser(user_id)
            updated = replace(current, **changes)
            self._check(current, updated)
            self._emails.pop(current.email.lower())
            self._emails[updated.email.lower()] = updated.id
            self._users[user_id] = updated
            return updated

    def remove(self, user_id: str) -> None:
        """Delete a user (its organization stays); raise UnknownUser."""
        with self._lock:
            user = self._users.pop(user_id, None)
            if user is None:
                raise UnknownUser(user_id)
            self._emails.pop(user.email, None)

    def _check(self, current: User, updated: User) -> None:
        owner = self._emails.get(updated.email.lower())
        if owner is not None and owner != current.id:
            raise DuplicateEmail(updated.email)
        if updated.org_id and updated.org_id not in self._orgs:
            raise UnknownOrganization(updated.org_id)
