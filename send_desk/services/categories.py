"""SEND categories: the pick list, and an admin's add, rename, appealable and switch off."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from send_desk.db.models import Case, Category
from send_desk.domain.errors import NotFoundError, ValidationError
from send_desk.services import audit
from send_desk.services.context import ServiceContext
from send_desk.services.permissions import Action, require


@dataclass(frozen=True)
class CategoryView:
    """A SEND category and how many cases use it."""

    id: int
    name: str
    appealable: bool
    active: bool
    cases: int


class CategoryService:
    """SEND categories: add, rename, mark appealable, switch off (cases keep theirs)."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the given database, clock and acting login."""
        self.ctx = ctx

    def choices(self) -> list[str]:
        """Return the names of the active categories in name order (the pick lists; nothing counted)."""
        with self.ctx.db.read() as session:
            return list(session.scalars(select(Category.name).where(Category.active).order_by(Category.name)))

    def list_categories(self, *, include_inactive: bool = True) -> list[CategoryView]:
        """Return the categories in name order with how many cases use each."""
        with self.ctx.db.read() as session:
            grouped = session.execute(
                select(Case.category_id, func.count(Case.id)).group_by(Case.category_id)
            ).all()
            counts: dict[int | None, int] = {category_id: int(n) for category_id, n in grouped}
            query = select(Category).order_by(Category.name)
            if not include_inactive:
                query = query.where(Category.active)
            return [
                CategoryView(c.id, c.name, c.appealable, c.active, int(counts.get(c.id, 0)))
                for c in session.scalars(query)
            ]

    def add_category(self, name: str, *, appealable: bool = False) -> CategoryView:
        """Add a category."""
        name = " ".join(name.split())
        if not name:
            raise ValidationError("Enter the name of the category.", field="name")
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.MANAGE_CATEGORIES, at=self.ctx.now())
            self._check_free(session, name)
            category = Category(name=name, appealable=appealable, active=True)
            session.add(category)
            session.flush()
            self._audit(
                session, actor.login, actor.name, "category-add", {"name": name}, {"appealable": appealable}
            )
            return CategoryView(category.id, category.name, category.appealable, category.active, 0)

    def rename_category(self, name: str, new_name: str) -> CategoryView:
        """Rename a category; cases under it follow the new name."""
        new_name = " ".join(new_name.split())
        if not new_name:
            raise ValidationError("Enter the new name of the category.", field="name")
        return self._change(name, name=new_name)

    def set_appealable(self, name: str, appealable: bool) -> CategoryView:
        """Say whether decisions in a category can be appealed to the SEND Tribunal."""
        return self._change(name, appealable=appealable)

    def deactivate_category(self, name: str) -> CategoryView:
        """Stop offering a category for new cases; existing cases keep it."""
        return self._change(name, active=False)

    def reactivate_category(self, name: str) -> CategoryView:
        """Offer a category again."""
        return self._change(name, active=True)

    def _change(self, current: str, **values: Any) -> CategoryView:
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.MANAGE_CATEGORIES, at=self.ctx.now())
            category = self._find(session, current)
            if "name" in values and values["name"].lower() != category.name.lower():
                self._check_free(session, values["name"])
            before = {key: getattr(category, key) for key in values}
            for key, value in values.items():
                setattr(category, key, value)
            changes = audit.diff(before, values)
            if changes:
                audit.record(
                    session,
                    at=self.ctx.now(),
                    login=actor.login,
                    actor_name=actor.name,
                    action="category-change",
                    changes=changes,
                    details={"category": before.get("name", category.name)},
                )
            session.flush()
            count = session.scalar(select(func.count(Case.id)).where(Case.category_id == category.id)) or 0
            return CategoryView(category.id, category.name, category.appealable, category.active, int(count))

    def _find(self, session: Session, name: str) -> Category:
        category = session.scalars(
            select(Category).where(func.lower(Category.name) == " ".join(name.split()).lower())
        ).first()
        if category is None:
            raise NotFoundError(f"There is no category called {name.strip()}.")
        return category

    def _check_free(self, session: Session, name: str) -> None:
        taken = session.scalar(select(Category.id).where(func.lower(Category.name) == name.lower()))
        if taken is not None:
            raise ValidationError(f"There is already a category called {name}.", field="name")

    def _audit(
        self,
        session: Session,
        login: str,
        actor_name: str,
        action: str,
        names: dict[str, Any],
        details: dict[str, Any],
    ) -> None:
        audit.record(
            session,
            at=self.ctx.now(),
            login=login,
            actor_name=actor_name,
            action=action,
            details={**names, **details},
        )
