"""What a Logstash filter does only when it succeeded: ``add_field``, ``add_tag``,
``remove_field``, ``remove_tag`` (its "common options"), for the filters a field rule runs
(grok, date)."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["OnSuccess"]


class OnSuccess(BaseModel):
    """The common options, applied only when the filter matched / parsed."""

    add_field: dict[str, str] = Field(
        default_factory=dict,
        description="On success only: field -> value (%{[field]} filled in).")
    add_tag: list[str] = Field(default_factory=list, description="On success only: tags.")
    remove_field: list[str] = Field(
        default_factory=list, description="On success only: fields to remove.")
    remove_tag: list[str] = Field(
        default_factory=list, description="On success only: tags to remove.")

    @property
    def any(self) -> bool:
        """Whether any of them is set."""
        return bool(self.add_field or self.add_tag or self.remove_field or self.remove_tag)
