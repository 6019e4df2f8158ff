"""What a pending revision changes in its published article, for the moderator's review.

Text is compared paragraph by paragraph (one line per block of the HTML);
a changed paragraph is compared again character by character, because Thai
has no spaces between words to compare by.
"""

import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils.translation import gettext as _

from articles.forms import format_buddhist_date
from articles.models import Article, SectionKey
from articles.text import html_to_text

# Paragraphs less alike than this are shown as removed and added, not as edits.
INLINE_DIFF_MIN_RATIO = 0.4
# Unchanged runs this short between two changes are folded into the change.
INLINE_DIFF_MIN_MATCH = 3
# Comparing two very long paragraphs letter by letter costs too much; they are shown whole.
INLINE_DIFF_MAX_WORK = 4_000_000


@dataclass
class Segment:
    kind: str  # "same", "added", "removed"
    text: str


@dataclass
class DiffLine:
    kind: str  # "same", "added", "removed", "changed"
    segments: list[Segment]


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class SectionChange:
    heading: str
    kind: str  # "added", "removed", "changed", "same"
    lines: list[DiffLine] = field(default_factory=list)


@dataclass
class ImageSummary:
    before: int
    after: int
    added: int
    removed: int
    captions_changed: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.captions_changed or self.before != self.after)


@dataclass
class RevisionDiff:
    fields: list[FieldChange]
    sections: list[SectionChange]
    images: ImageSummary

    @property
    def has_changes(self) -> bool:
        return bool(self.fields or any(s.kind != "same" for s in self.sections) or self.images.changed)


def _clusters(text: str) -> list[str]:
    """Characters with their combining marks: a Thai vowel or tone mark never leaves its consonant."""
    clusters: list[str] = []
    for character in text:
        if clusters and unicodedata.category(character) in {"Mn", "Mc"}:
            clusters[-1] += character
        else:
            clusters.append(character)
    return clusters


def _inline(old: str, new: str) -> list[Segment] | None:
    """Character-level marks inside an edited paragraph, or None when that would be noise."""
    old_tokens, new_tokens = _clusters(old), _clusters(new)
    if len(old_tokens) * len(new_tokens) > INLINE_DIFF_MAX_WORK:
        return None
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    if matcher.ratio() < INLINE_DIFF_MIN_RATIO:
        return None
    runs: list[list[str]] = []  # [kind, old text, new text]
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        kind = "same" if tag == "equal" else "change"
        runs.append([kind, removed, added])
    # A few letters that happen to match between two changes are coincidence, not
    # unchanged text: fold them into the change so the reader sees words, not confetti.
    for index in range(1, len(runs) - 1):
        kind, text, _unused = runs[index]
        if kind == "same" and len(text) <= INLINE_DIFF_MIN_MATCH and runs[index - 1][0] == runs[index + 1][0] == "change":
            runs[index] = ["change", text, text]
    segments: list[Segment] = []
    pending_removed, pending_added = "", ""
    for kind, removed, added in runs + [["same", "", ""]]:
        if kind == "change":
            pending_removed += removed
            pending_added += added
            continue
        if pending_removed:
            segments.append(Segment("removed", pending_removed))
        if pending_added:
            segments.append(Segment("added", pending_added))
        pending_removed, pending_added = "", ""
        if removed:
            segments.append(Segment("same", removed))
    return segments


def diff_text(old: str, new: str) -> list[DiffLine]:
    """Paragraph-level diff of two plain texts, with character-level marks inside edited paragraphs."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if tag == "equal":
            lines.extend(DiffLine("same", [Segment("same", line)]) for line in old_lines[i1:i2])
            continue
        removed, added = old_lines[i1:i2], new_lines[j1:j2]
        paired = min(len(removed), len(added)) if tag == "replace" else 0
        for before, after in zip(removed[:paired], added[:paired]):
            segments = _inline(before, after)
            if segments is not None:
                lines.append(DiffLine("changed", segments))
            else:
                lines.append(DiffLine("removed", [Segment("removed", before)]))
                lines.append(DiffLine("added", [Segment("added", after)]))
        lines.extend(DiffLine("removed", [Segment("removed", line)]) for line in removed[paired:])
        lines.extend(DiffLine("added", [Segment("added", line)]) for line in added[paired:])
    return lines


def _section_map(article: Article) -> dict[tuple[str, str], str]:
    """Sections by identity: standard ones by key, the others by heading (numbered if repeated)."""
    mapped: dict[tuple[str, str], str] = {}
    for section in article.sections.all():
        if section.key == SectionKey.OTHER:
            heading, number = section.heading, 1
            while (SectionKey.OTHER, heading) in mapped:
                number += 1
                heading = f"{section.heading} ({number})"
            mapped[(SectionKey.OTHER, heading)] = section.body
        else:
            mapped[(section.key, "")] = section.body
    return mapped


def _field_value(article: Article, name: str) -> str:
    if name == "category":
        return article.category.name if article.category_id else ""
    if name == "district":
        return article.district.office_name if article.district_id else ""
    if name == "written_at":
        return format_buddhist_date(article.written_at)
    return getattr(article, name) or ""


def revision_diff(revision: Article, live: Article) -> RevisionDiff:
    """Everything the revision would change in the live article when published."""
    labels = {
        "title": _("ชื่อเรื่อง"),
        "category": _("หมวด"),
        "author_name": _("ผู้เขียน"),
        "author_position": _("ตำแหน่ง"),
        "district": _("อำเภอ"),
        "office": _("สำนักงาน"),
        "written_at": _("วันที่เขียน"),
    }
    fields = [
        FieldChange(label, old, new)
        for name, label in labels.items()
        if (old := _field_value(live, name)) != (new := _field_value(revision, name))
    ]
    old_sections, new_sections = _section_map(live), _section_map(revision)
    order = list(new_sections) + [key for key in old_sections if key not in new_sections]
    sections = []
    for key in order:
        heading = SectionKey(key[0]).label if key[0] != SectionKey.OTHER else key[1]
        old_text = html_to_text(old_sections.get(key, ""))
        new_text = html_to_text(new_sections.get(key, ""))
        if key not in old_sections:
            kind = "added"
        elif key not in new_sections:
            kind = "removed"
        else:
            kind = "same" if old_text == new_text and old_sections[key] == new_sections[key] else "changed"
        sections.append(SectionChange(heading, kind, diff_text(old_text, new_text) if kind != "same" else []))
    old_images = [(image.image.name, image.caption) for image in live.images.all()]
    new_images = [(image.image.name, image.caption) for image in revision.images.all()]
    old_files, new_files = {name for name, _caption in old_images}, {name for name, _caption in new_images}
    old_captions = dict(old_images)
    images = ImageSummary(
        before=len(old_images),
        after=len(new_images),
        added=len(new_files - old_files),
        removed=len(old_files - new_files),
        captions_changed=sum(1 for name, caption in new_images if name in old_captions and old_captions[name] != caption),
    )
    return RevisionDiff(fields=fields, sections=sections, images=images)
