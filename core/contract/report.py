"""The result of probing an auth server: one Step per check, and the Report that holds them."""

from dataclasses import dataclass, field
from typing import Any

from core.identity import Identity

from .diagnosis import Finding, outcome

# Failures after which later checks cannot tell anything new.
STOPPING = ("unreachable", "unavailable")


@dataclass
class Step:
    """One check's result: status ok | warn | fail, and for a failure its kind."""

    name: str
    status: str
    summary: str
    kind: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def failed(cls, name: str, finding: Finding, problems: list[str] | None = None) -> "Step":
        """Return a failed step from a Finding."""
        return cls(name, "fail", finding.message, finding.kind, problems=problems or [])

    @classmethod
    def checked(cls, name: str, summary: str, problems: list[str], **details: Any) -> "Step":
        """Return an ok step, or a warning when the answer strays from the contract.

        Only an answer this service cannot use fails (the probe sees it as an error); one it copes
        with, although the contract describes it otherwise, warns.
        """
        if not problems:
            return cls(name, "ok", summary, details=details)
        summary = f"{summary}; differs from the contract, this service copes"
        return cls(name, "warn", summary, None, details, problems)

    def to_dict(self) -> dict[str, Any]:
        """Return the step as JSON."""
        return {
            "name": self.name,
            "status": self.status,
            "summary": self.summary,
            "kind": self.kind,
            "problems": self.problems,
            **self.details,
        }


@dataclass
class Report:
    """Every step's result, the identity /me described, and whether the run stopped early."""

    url: str
    steps: list[Step] = field(default_factory=list)
    identity: Identity | None = None
    stopped: bool = False

    @property
    def failure(self) -> Step | None:
        """Return the first failed step, or None when the server passed."""
        return next((step for step in self.steps if step.status == "fail"), None)

    def add(self, step: Step) -> bool:
        """Record `step`; return False once a failure made later steps pointless."""
        self.steps.append(step)
        if step.status == "fail" and step.kind and outcome(step.kind) in STOPPING:
            self.stopped = True
        return not self.stopped

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON: never a token or a password (it holds neither)."""
        failure = self.failure
        return {
            "url": self.url,
            "ok": failure is None,
            "failure": None if failure is None else {"step": failure.name, "kind": failure.kind},
            "steps": [step.to_dict() for step in self.steps],
            "identity": _identity(self.identity),
        }


def describe(identity: Identity) -> str:
    """Return who an Identity is, in one line: remote id, e-mail and organization."""
    org = identity.organization
    where = f"{org.id} ({org.name})" if org and org.name else (org.id if org else "unknown")
    email = identity.email or "unknown"
    return f"remote id {identity.remote_id}, email {email}, organization {where}"


def _identity(identity: Identity | None) -> dict[str, Any] | None:
    if identity is None:
        return None
    org = identity.organization
    return {
        "remoteId": identity.remote_id,
        "email": identity.email,
        "organization": {"id": org.id, "name": org.name} if org else None,
        "products": list(identity.products),
    }
