"""Lesson body blocks: every template a block names exists, and a personal
block rendered the shared way shows nothing (the lesson page renders it per
reader), least of all a sorting exercise's right answers."""

from django.template.loader import get_template

from wagtail.blocks import StreamValue

import pytest

from courses.blocks import PERSONAL_BLOCKS, LessonBodyBlock
from courses.factories import sample_body


@pytest.mark.parametrize("name", sorted(LessonBodyBlock().child_blocks))
def test_the_named_template_exists(name):
    block = LessonBodyBlock().child_blocks[name]
    template = getattr(block.meta, "template", None)
    if template is not None:
        get_template(template)


def test_personal_blocks_render_nothing_when_shared():
    stream = LessonBodyBlock()
    body = StreamValue(stream, sample_body(with_exercise=True), is_lazy=True)
    personal = [block for block in body if block.block_type in PERSONAL_BLOCKS]
    assert {block.block_type for block in personal} == {
        "reflection",
        "sorting_exercise",
    }
    for block in personal:
        assert block.render().strip() == "", block.block_type
