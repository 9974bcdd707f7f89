"""The policy library: shipped policy files plus the ones a clerk added, and choosing one."""

from __future__ import annotations

import shutil
from pathlib import Path

from .. import paths
from ..domain.model import AnnualPlan, UnitProfile
from ..domain.policy import Policy, PolicyError, discover, load_policy_file, select


class PolicyLibrary:
    def __init__(self, directories: list[Path] | None = None):
        self.directories = directories or [paths.shipped_policies_dir(), paths.user_policies_dir()]
        self.reload()

    def reload(self) -> None:
        self.policies, self.errors = discover(self.directories)

    def __iter__(self):
        return iter(sorted(self.policies.values(), key=lambda p: (-p.year, -p.specificity, p.id)))

    def get(self, policy_id: str) -> Policy | None:
        return self.policies.get(policy_id)

    def for_plan(self, profile: UnitProfile, plan: AnnualPlan) -> Policy | None:
        """The clerk's choice when set and known, else the best match for the unit and year."""
        chosen = self.policies.get(plan.policy_id) if plan.policy_id else None
        return chosen or select(self.policies.values(), plan.year, profile.province, profile.city, profile.level)

    def add_file(self, path: Path) -> Policy:
        """Validate a policy file from anywhere and keep a copy in the clerk's policy folder."""
        from ..documents.errors import ExchangeError
        from ..documents.files import write_atomically
        from ..oserrors import write_failure_reason

        from .. import protected_files

        try:
            protected_files.refuse_reading(path)
        except protected_files.ProtectedFileError as exc:
            raise PolicyError(str(path), "", exc.message) from None
        policy = load_policy_file(path)  # raises PolicyError before anything is copied
        target_dir = self.directories[-1]
        target = target_dir / f"{policy.id}.toml"
        try:
            target_dir.mkdir(parents=True, exist_ok=True)
            if Path(path).resolve() != target.resolve():
                # never half a file in the folder: the next start would refuse it as broken
                write_atomically(target, lambda tmp: shutil.copyfile(path, tmp))
        except OSError as exc:
            raise PolicyError(str(path), "", f"无法建立政策文件夹“{target_dir}”：{write_failure_reason(exc)}") from None
        except ExchangeError as exc:
            raise PolicyError(str(path), "", exc.message) from None
        self.reload()
        return self.policies[policy.id]


__all__ = ["PolicyLibrary", "PolicyError"]
