"""The policy library: shipped policy files plus the ones a clerk added, and choosing one."""

from __future__ import annotations

import shutil
from pathlib import Path

from .. import paths
from ..domain.model import AnnualPlan, UnitProfile
from ..domain.policy import Policy, PolicyError, Selection, select
from ..domain.policy_files import discover, load_policy_file


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

    def selection(self, profile: UnitProfile, plan: AnnualPlan) -> Selection:
        """The policy governing the unit's year, why, and the files passed over (never a file of
        another year: a year without its own file has no policy)."""
        return select(self.policies.values(), plan.year, profile, plan.policy_id)

    def for_plan(self, profile: UnitProfile, plan: AnnualPlan) -> Policy | None:
        """The clerk's choice when it is a file of the plan's year, else the best match for the unit."""
        return self.selection(profile, plan).policy

    def shipped_ids(self) -> set[str]:
        shipped = Path(self.directories[0]).resolve()
        return {p.id for p in self.policies.values() if Path(p.source).resolve().parent == shipped}

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
        name = Path(path).name
        if policy.id in self.shipped_ids():
            raise PolicyError(
                name, "id", f"“{policy.id}”是程序自带的政策文件的 id，加载后会与之混淆，未加载；请在文件中改用另一个 id",
            )
        if policy.extends:
            parent = self.policies.get(policy.extends)
            if parent is None:
                raise PolicyError(name, "extends", f"要扩展的政策文件“{policy.extends}”不存在，未加载；请先加载它")
            if parent.year != policy.year:
                raise PolicyError(name, "extends", f"只能扩展同一年度的政策（“{parent.id}”为 {parent.year} 年度），未加载")
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
