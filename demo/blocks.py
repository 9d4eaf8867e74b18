"""Lesson bodies of the demo courses, written once for both languages.

Each helper returns one block as ``{"type": ..., "fr": value, "en": value}``;
:func:`stream_data` turns a list of them into the raw StreamField data of a
lesson in one language. Every block gets a stable id derived from its lesson
key and position, the same in both languages, so reflections and exercise
answers line up across translations.
"""

import uuid

# Fixed namespace for the stable StreamField block ids of the demo content.
BLOCK_NAMESPACE = uuid.UUID("6f1c2d7e-4b0a-4c1e-9a55-2f3b8e6d0c41")


def heading(fr, en, level="h2"):
    return {
        "type": "heading",
        "fr": {"text": fr, "level": level},
        "en": {"text": en, "level": level},
    }


def paragraph(fr, en):
    return {"type": "paragraph", "fr": fr, "en": en}


def takeaway(fr, en):
    return {"type": "key_takeaway", "fr": {"text": fr}, "en": {"text": en}}


def reflection(fr, en):
    return {"type": "reflection", "fr": {"prompt": fr}, "en": {"prompt": en}}


def glossary(term_key):
    """A glossary reference; the command swaps the key for the term in each language."""
    return {"type": "glossary", "fr": {"term": term_key}, "en": {"term": term_key}}


def case_study(place, title, story, questions):
    """``title`` and ``story`` are (fr, en) pairs; ``questions`` a list of pairs."""
    return {
        "type": "case_study",
        "fr": {
            "title": title[0],
            "place": place,
            "story": story[0],
            "questions": [q[0] for q in questions],
        },
        "en": {
            "title": title[1],
            "place": place,
            "story": story[1],
            "questions": [q[1] for q in questions],
        },
    }


def statement(category, text, explanation):
    """One statement of a sorting exercise; ``text`` and ``explanation`` are (fr, en) pairs."""
    return (category, text, explanation)


def sorting(kind, instructions, statements):
    def value(lang):
        i = 0 if lang == "fr" else 1
        return {
            "kind": kind,
            "instructions": instructions[i],
            "statements": [
                {"text": text[i], "category": category, "explanation": explanation[i]}
                for category, text, explanation in statements
            ],
        }

    return {"type": "sorting_exercise", "fr": value("fr"), "en": value("en")}


def stream_data(lesson_key, blocks, language, term_ids):
    """The raw StreamField data of a lesson body in one language.

    ``term_ids`` maps glossary keys to the primary key of the term in ``language``.
    """
    data = []
    for position, block in enumerate(blocks):
        block_id = str(uuid.uuid5(BLOCK_NAMESPACE, f"{lesson_key}:{position}"))
        value = block[language]
        if block["type"] == "glossary":
            value = {"term": term_ids[value["term"]]}
        elif isinstance(value, dict):
            value = {
                name: (
                    [
                        {
                            "type": "item",
                            "value": item,
                            "id": str(uuid.uuid5(BLOCK_NAMESPACE, f"{block_id}:{n}")),
                        }
                        for n, item in enumerate(field)
                    ]
                    if isinstance(field, list)
                    else field
                )
                for name, field in value.items()
            }
        data.append({"type": block["type"], "value": value, "id": block_id})
    return data
