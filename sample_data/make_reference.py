#!/usr/bin/env python3
# Copyright the mixmap authors. Licensed under the Apache License, Version 2.0.
"""Write sample_data/reference.jsonl: a small reference set for the sample's Coverage page.

It stands for what a model will be asked (an eval suite, say): 10 new rows from each of the sample's 14 topic
generators (another seed, so they are new rows near the sample's own) and 36 world-geography questions, a
topic the sample does not have at all. Coverage of the sample against it should show the geography rows as
the gap and the rest as covered. Written for mixmap like the sample; rerunning gives a byte-identical file:

    .venv/bin/python sample_data/make_reference.py
"""
from __future__ import annotations

import json
from pathlib import Path

import topics
from make_sample import SOURCES, TOPICS, W, make_row, styled

OUT = Path(__file__).resolve().parent / "reference.jsonl"
PER_TOPIC = 10
# country, capital, continent, a river or landmark of it
COUNTRIES = [
    ("France", "Paris", "Europe", "the Seine"), ("Japan", "Tokyo", "Asia", "Mount Fuji"),
    ("Kenya", "Nairobi", "Africa", "the Great Rift Valley"), ("Peru", "Lima", "South America", "the Andes"),
    ("Canada", "Ottawa", "North America", "the St. Lawrence River"), ("Egypt", "Cairo", "Africa", "the Nile"),
    ("Australia", "Canberra", "Oceania", "the Great Barrier Reef"), ("Brazil", "Brasilia", "South America", "the Amazon"),
    ("India", "New Delhi", "Asia", "the Ganges"), ("Norway", "Oslo", "Europe", "its fjords"),
    ("Mexico", "Mexico City", "North America", "the Sierra Madre"), ("Vietnam", "Hanoi", "Asia", "the Mekong"),
]
QUESTIONS = [
    ("What is the capital of {country}?", "The capital of {country} is {capital}."),
    ("On which continent is {country}, and what is it known for geographically?",
     "{country} is in {continent}. It is known for {landmark}."),
    ("Name the capital city of {country} and the continent it lies on.",
     "{capital} is the capital of {country}, which lies in {continent}."),
]


def main() -> None:
    topics.RNG.seed(11)  # the generators draw from this one RNG; another seed than the sample's 7
    rows = []
    for topic, _, gen, weights in TOPICS:
        for _ in range(PER_TOPIC):
            instr, inp, out, _ = gen()
            source = topics.RNG.choices(SOURCES, weights=W[weights])[0]
            rows.append(make_row(instr, inp, styled(out, source, topic), source, topic))
    for country, capital, continent, landmark in COUNTRIES:
        for question, answer in QUESTIONS:
            fields = {"country": country, "capital": capital, "continent": continent, "landmark": landmark}
            rows.append(make_row(question.format(**fields), "", answer.format(**fields), "eval_suite", "geography"))
    topics.RNG.shuffle(rows)
    with OUT.open("w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main()
