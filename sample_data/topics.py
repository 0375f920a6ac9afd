# Copyright the mixmap authors. Licensed under the Apache License, Version 2.0.
"""Row generators for make_sample.py, one gen_<topic>() per topic; each returns (instruction, input, output, subject).

Rows are composed from the hand-written tables in fragments.py or computed (arithmetic, dates, music spelling,
Python and SQL run for real), all from the one seeded RNG below, so the output is reproducible.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import math
import random
import sqlite3
from fractions import Fraction

from fragments import (
    BIO,
    COOK_FIX,
    COOK_STORE,
    COOK_SUBS,
    CROPS,
    EMAIL_SLOTS,
    EMAILS,
    EVENTS,
    FINANCE,
    FITNESS,
    GARDEN,
    GRAMMAR_FIX,
    GRAMMAR_RULES,
    HISTORY,
    MUSIC_CONCEPTS,
    PHYSICS,
    PY_CONCEPTS,
    PY_ERRORS,
    PY_FUNCS,
    RECIPES,
    SQL_CONCEPTS,
    TONE_PAIRS,
    TRAVEL_CITIES,
    TRAVEL_PACKING,
    TRAVEL_TIPS,
    WORDY_PAIRS,
    lines,
)

RNG = random.Random(7)

# ------------------------------------------------------------------------------------------------ helpers


def pick(xs):
    return RNG.choice(xs)


def chance(p):
    return RNG.random() < p


def cap(s):
    return s[:1].upper() + s[1:]


def a_an(word):
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def low(s):
    return s[:1].lower() + s[1:]


def some(xs, k):
    """k items of xs (at most len(xs)), in their original order."""
    idx = sorted(RNG.sample(range(len(xs)), min(k, len(xs))))
    return [xs[i] for i in idx]


def num(x, nd=2):
    if abs(x - round(x)) < 1e-9:
        return f"{round(x):,}"
    return f"{x:,.{nd}f}".rstrip("0").rstrip(".")


def money(x, cur="$"):
    return f"{cur}{x:,.2f}"


def frac(f: Fraction):
    whole, rest = divmod(f.numerator, f.denominator)
    if rest == 0:
        return str(whole)
    return f"{whole} {rest}/{f.denominator}" if whole else f"{rest}/{f.denominator}"


def as_steps(steps, style=None):
    style = style or pick(["numbered", "numbered", "prose", "step"])
    if style == "numbered":
        return "\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1))
    if style == "step":
        return "\n".join(f"Step {i}: {s}" for i, s in enumerate(steps, 1))
    return " ".join(steps)


def fact(entries, templates, tips=(), intros=(), bullets=0.2):
    """A question about one entry, answered by its first sentence plus a random ordered subset of the rest."""
    subj, questions, text = pick(entries)
    sents = lines(text)
    instr = pick(list(questions) + [t.format(s=subj, S=cap(subj)) for t in templates])
    k = RNG.randint(2, min(4, len(sents)))
    body = [sents[0]] + some(sents[1:], k - 1) if chance(0.6) else some(sents, k)
    if len(body) > 3 and chance(bullets):
        out = body[0] + "\n\n" + "\n".join(f"- {s}" for s in body[1:])
    else:
        out = " ".join(body)
    if intros and chance(0.3):
        out = pick(intros).format(s=subj) + " " + out
    if tips and chance(0.3):
        out += "\n\n" + pick(tips)
    return instr, "", out, subj


def calc(problem, prefixes=("", "", "", "Solve: ", "Can you help me with this? "),
         suffixes=("", "", "", " Show your work.", " Explain each step.", " Please show the steps.")):
    """Wrap (question, steps, answer) from a numeric generator into instruction and output."""
    q, steps, ans = problem
    instr = pick(prefixes) + q + pick(suffixes)
    final = pick(["Answer: {a}", "**Answer:** {a}", "So the answer is {a}.", "The answer is {a}."]).format(a=ans)
    return instr, "", as_steps(steps) + "\n\n" + final, None


# ------------------------------------------------------------------------------------------------ cooking
RECIPE_MODS = [("", ""), ("", ""), (" for two people", "For two people, halve the quantities; the timings barely change."),
               (" on a weeknight", "On a weeknight, chop and measure everything before you turn on the heat."),
               (" as a complete beginner", "Read the whole method once before you start; most mistakes come from rushing."),
               (" for a crowd", "For a crowd, scale up the ingredients but cook in batches rather than overfilling the pan.")]
RECIPE_ASKS = ["How do I make {d}{m}?", "Give me a simple recipe for {d}{m}.", "Walk me through making {d}{m}.",
               "What's the method for {d}{m}?", "I want to cook {d}{m}. What are the steps?", "Recipe for {d}{m}, please.",
               "what's the easiest way to make {d}{m}"]
COOK_TIPS = ["Taste as you go and adjust the salt at the end.", "Weighing ingredients is more consistent than using cups.",
             "A cheap instant-read thermometer takes the guesswork out of this.",
             "Good-quality salt and a sharp knife make more difference than fancy equipment.",
             "Write down what you changed each time so you can repeat the best version."]


def cook_recipe():
    dish, text = pick(RECIPES)
    steps = lines(text)
    mod, note = pick(RECIPE_MODS)
    parts = [pick(["", "", "", "Here's a reliable method.", "It's easier than it looks.", f"This is how I make {dish}."])]
    if chance(0.6):
        parts.append(as_steps(steps, pick(["numbered", "numbered", "step"])))
    else:
        prose = [("First, " + low(s)) if i == 0 else ("Finally, " + low(s)) if i == len(steps) - 1 else s
                 for i, s in enumerate(steps)]
        parts.append(" ".join(prose))
    parts += [note, pick(COOK_TIPS) if chance(0.3) else ""]
    return pick(RECIPE_ASKS).format(d=dish, m=mod), "", "\n\n".join(p for p in parts if p), dish


def gen_cooking():
    r = RNG.random()
    if r < 0.3:
        return pick([cook_recipe, cook_convert, cook_oven, cook_roast, cook_scale, cook_scale])()
    if r < 0.55:
        return fact(COOK_SUBS, ["What can I use instead of {s}?", "Is there a substitute for {s}?",
                                "I ran out of {s}. What else works?", "What's a good replacement for {s}?"], COOK_TIPS)
    if r < 0.8:
        return fact(COOK_FIX, ["{S}. What am I doing wrong?", "Any idea why {s}?", "{S} every time. How do I fix it?",
                               "Help, {s}!"], COOK_TIPS)
    return fact(COOK_STORE, ["How long will {s} keep?", "What's the best way to store {s}?",
                             "How should I store {s}?", "Can I keep {s} in the fridge, and for how long?"])


# ------------------------------------------------------------------------------------------------ python
PY_ASKS = ["Write a Python function that {d}.", "How can I write a function in Python that {d}?",
           "Give me Python code that {d}.", "I need a helper function that {d}. Python 3, please.",
           "Can you show me a clean way to write a function that {d}?", "Python: function that {d}?",
           "Write a short, readable Python function that {d}."]
PY_FILES = ["main.py", "app.py", "script.py", "process_data.py", "report.py", "utils.py", "etl/load.py"]


def gen_python():
    r = RNG.random()
    if r < 0.35:
        return py_snippet()
    r = RNG.random()
    if r < 0.4:
        desc, code, expl = pick(PY_FUNCS)
        sents = lines(expl)
        intro = pick(["", "", "Here's a straightforward version:", "This should do it:", "One clean way:",
                      "A simple implementation:"])
        out = (intro + "\n\n" if intro else "") + "```python\n" + code.strip() + "\n```\n\n"
        out += " ".join([sents[0]] + some(sents[1:], RNG.randint(0, len(sents) - 1)))
        return pick(PY_ASKS).format(d=desc), "", out, "Python programming"
    if r < 0.72:
        instr, _, out, err = fact(PY_ERRORS, ["What causes `{s}` in Python?", "How do I fix `{s}`?",
                                              "Why am I getting `{s}`?", "My script crashes with {s}. Any idea?"])
        inp = ""
        if chance(0.45):
            inp = (f'Traceback (most recent call last):\n  File "{pick(PY_FILES)}", line {RNG.randint(3, 240)}, '
                   f"in {pick(['<module>', 'main', 'load', 'parse_row', 'run'])}\n{err}")
        return instr, inp, out, "Python programming"
    return fact(PY_CONCEPTS, ["Explain {s} in Python.", "Can you explain {s}? I keep getting confused.",
                              "What should a beginner know about {s}?", "Quick explanation of {s}, please."],
                ["The official Python tutorial covers this well if you want more depth.",
                 "Try it in the REPL with a tiny example; it sticks better than reading."])


# ------------------------------------------------------------------------------------------------ personal finance
def fin_compound():
    p, r, n = pick([1000, 2500, 5000, 10000, 20000]), pick([3, 4, 5, 6, 7, 8]), pick([5, 10, 15, 20, 25, 30])
    fv = p * (1 + r / 100) ** n
    if chance(0.5):
        q = pick(["If I invest ${p:,} at {r}% a year, compounded annually, how much will I have after {n} years?",
                  "How much will ${p:,} grow to in {n} years at {r}% annual interest?"]).format(p=p, r=r, n=n)
        steps = [f"Use the compound interest formula A = P(1 + r)^n, with P = {money(p)}, r = {r / 100} and n = {n}.",
                 f"A = {p:,} × {1 + r / 100:.2f}^{n} ≈ {money(fv)}.",
                 f"That is {money(fv - p)} of growth on your original {money(p)}."]
        if chance(0.5):
            steps.append("This ignores taxes, fees and inflation, so treat it as an upper estimate.")
        return q, steps, f"about {money(fv)}"
    c = pick([100, 200, 250, 500]) * 12
    fvc = c * ((1 + r / 100) ** n - 1) / (r / 100)
    q = (f"I have ${p:,} saved and will add ${c:,} at the end of every year. At {r}% a year, "
         f"what will it be worth in {n} years?")
    steps = [f"Growth of the starting amount: {p:,} × {1 + r / 100:.2f}^{n} ≈ {money(fv)}.",
             f"Future value of the yearly deposits: {c:,} × ((1.{r:02d})^{n} − 1) / {r / 100} ≈ {money(fvc)}.",
             f"Total: {money(fv)} + {money(fvc)} ≈ {money(fv + fvc)}, of which you contributed {money(p + c * n)}."]
    return q, steps, f"about {money(fv + fvc)}"


def fin_loan():
    kind, lo, hi, step, years, rates = pick([
        ("car loan", 8000, 40000, 500, [3, 4, 5, 6], [4.5, 5.9, 6.9, 7.5, 8.9]),
        ("mortgage", 150000, 600000, 5000, [15, 20, 25, 30], [3.75, 4.5, 5.25, 6, 6.5, 7]),
        ("student loan", 10000, 60000, 1000, [10], [4.5, 5.5, 6.8]),
        ("personal loan", 3000, 20000, 500, [2, 3, 5], [7.9, 9.5, 11.9, 14.9])])
    p, y, rate = RNG.randrange(lo, hi + 1, step), pick(years), pick(rates)
    i, n = rate / 100 / 12, y * 12
    m = p * i / (1 - (1 + i) ** -n)
    q = pick(["What would the monthly payment be on a ${p:,} {k} at {r}% APR over {y} years?",
              "I'm looking at a {k} of ${p:,} for {y} years at {r}%. What's my monthly payment and total interest?",
              "Calculate the monthly payment for a {y}-year {k} of ${p:,} at {r}% interest."]).format(
        p=p, k=kind, r=rate, y=y)
    steps = [f"Monthly rate i = {rate}% / 12 = {i:.5f}; number of payments n = {y} × 12 = {n}.",
             "Payment M = P × i / (1 − (1 + i)^−n).",
             f"M = {p:,} × {i:.5f} / (1 − (1 + {i:.5f})^−{n}) ≈ {money(m)}.",
             f"Total paid is {money(m)} × {n} ≈ {money(m * n)}, so the interest comes to about {money(m * n - p)}."]
    return q, steps, f"about {money(m)} a month"


def fin_goal():
    goal = pick(["a wedding", "a car down payment", "an emergency fund", "a trip to Japan", "a new laptop",
                 "a house deposit", "a new bike", "my first year of grad school"])
    t = RNG.randrange(3000, 40001, 500)
    s, m = RNG.randrange(0, t // 2, 250), pick([6, 9, 10, 12, 18, 24, 30, 36])
    monthly = (t - s) / m
    q = f"I want to save ${t:,} for {goal} in {m} months and I already have ${s:,}. How much do I need to put away each month?"
    steps = [f"Amount still needed: {money(t)} − {money(s)} = {money(t - s)}.",
             f"Per month: {money(t - s)} ÷ {m} = {money(monthly)}.",
             f"That's roughly {money(monthly * 12 / 52)} a week if you're paid weekly."]
    return q, steps, f"{money(monthly)} per month"


def fin_budget():
    inc = RNG.randrange(2400, 9001, 100)
    q = pick(["My take-home pay is ${i:,} a month. How would the 50/30/20 rule split that?",
              "Apply the 50/30/20 budget to a monthly income of ${i:,} after tax."]).format(i=inc)
    steps = [f"Needs (50%): {money(inc * .5)} for rent, utilities, groceries, insurance and minimum debt payments.",
             f"Wants (30%): {money(inc * .3)} for eating out, hobbies, streaming and travel.",
             f"Savings and extra debt payments (20%): {money(inc * .2)}."]
    rent = RNG.randrange(800, 3001, 50)
    if chance(0.5):
        q += f" My rent alone is ${rent:,}."
        left = inc * .5 - rent
        steps.append(f"With rent of {money(rent)}, you'd have {money(left)} left in the needs bucket for everything else."
                     if left > 0 else f"Rent of {money(rent)} already exceeds the needs bucket, so you'll need to "
                     "borrow from wants, not from savings, until your income or rent changes.")
    return q, steps, f"{money(inc * .5)} / {money(inc * .3)} / {money(inc * .2)}"


def fin_card():
    b, apr = RNG.randrange(1500, 12001, 100), pick([17.99, 19.99, 22.49, 24.99, 27.99, 29.99])
    pay = math.ceil(b * apr / 1200 * pick([1.6, 2, 2.5, 3.5, 5]) / 10) * 10
    bal, months, interest = b, 0, 0.0
    while bal > 0:
        it = bal * apr / 1200
        interest, bal, months = interest + it, bal + it - pay, months + 1
    q = (f"I owe ${b:,} on a credit card at {apr}% APR. If I pay ${pay:,} a month and stop using the card, "
         "how long until it's paid off?")
    steps = [f"Monthly interest rate: {apr}% / 12 ≈ {apr / 12:.2f}%.",
             (f"The first month's interest is about {money(b * apr / 1200)}, so {money(pay - b * apr / 1200)} of your "
             "first payment goes to the balance."),
             (f"Repeating that month by month, the balance reaches zero after {months} payments, with about "
             f"{money(interest)} paid in interest."),
             "Paying even a little more each month shortens this a lot, because less interest compounds."]
    yrs = f"{months // 12} year{'s' if months >= 24 else ''}" + (f" and {months % 12} months" if months % 12 else "")
    return q, steps, f"{months} months" + (f" ({yrs})" if months >= 12 else "")


def gen_finance():
    r = RNG.random()
    if r < 0.45:
        return fact(FINANCE, ["Can you explain {s} in plain English?", "What's the idea behind {s}?",
                              "I'm 25 and new to money stuff. What should I know about {s}?",
                              "Explain {s} like I'm a beginner."],
                    ["Automating it on payday is the easiest way to make it stick.",
                     "Tax rules differ by country, so check the details where you live."])
    return calc(pick([fin_compound, fin_loan, fin_goal, fin_budget, fin_card])(), suffixes=("", "", " Show the math."))


# ------------------------------------------------------------------------------------------------ travel
TRIP_ASKS = ["Plan a {n}-day trip to {c}.", "I have {n} days in {c}. What should I do?",
             "Can you put together a {n}-day itinerary for {c}{w}?", "What's a good {n}-day plan for {c}{w}?",
             "First time in {c}, staying {n} days{w}. Suggestions?"]
TRIP_WHO = ["", "", " with kids", " on a budget", " for a couple who love food", " in winter"]


def gen_travel():
    if chance(0.35):
        return travel_calc()
    r = RNG.random()
    if r < 0.4:
        city, sights, tips = pick(TRAVEL_CITIES)
        sights, tips, n = lines(sights), lines(tips), RNG.randint(2, 4)
        days = RNG.sample(sights, min(len(sights), n * 2 if chance(0.5) else n))
        plan = [f"Day {d + 1}: " + " ".join(days[d::n]) for d in range(n)]
        out = (pick(["", "", f"Here's a relaxed {n}-day plan for {city}.", "A plan that mixes big sights and slow time:"])
               + "\n\n" + "\n".join(plan) + "\n\n" + " ".join(some(tips, RNG.randint(1, 2)))).strip()
        return pick(TRIP_ASKS).format(n=n, c=city, w=pick(TRIP_WHO)), "", out, city
    if r < 0.65:
        trip, items, note = pick(TRAVEL_PACKING)
        items = some(lines(items), RNG.randint(5, 8))
        out = pick(["Essentials:", "Here's what I'd bring:", "Packing list:", ""]) + "\n" + "\n".join(
            f"- {x}" for x in items) + ("\n\n" + note if chance(0.6) else "")
        q = pick(["What should I pack for {t}?", "Packing list for {t}?", "Help me pack for {t}.",
                  "What are the must-haves for {t}?"]).format(t=trip)
        return q, "", out.strip(), "travel"
    return fact(TRAVEL_TIPS, ["Any advice on {s}?", "What are your best tips for {s}?", "How do I handle {s}?"])


# ------------------------------------------------------------------------------------------------ science and humanities
def gen_biology():
    if chance(0.45):
        return pick([bio_dna, bio_dna, bio_punnett, bio_hw])()
    return fact(BIO, ["Explain {s} in simple terms.", "Can you summarize {s} for a high school student?",
                      "I have a biology exam tomorrow. What do I need to know about {s}?",
                      "Give me a clear overview of {s}.", "Help me understand {s}."],
                ["A labelled diagram helps a lot with this one.", ("Exam tip: learn the key terms exactly, since mark "
                 "schemes look for them.")], ["Good question for revision.", "Here's the short version."])


def gen_history():
    if chance(0.45):
        return pick([hist_order, hist_year, hist_year, hist_gap])()
    return fact(HISTORY, ["Give me a short summary of {s}.", "Explain {s} for a history class.",
                          "What should I know about {s}?", "What's the significance of {s}?",
                          "Summarize {s} in a few sentences.", "Can you give me some background on {s}?"],
                ["Historians still debate how much weight to give each factor.",
                 "Primary sources from the period are worth reading if you want more depth."])


def phys_fall():
    h = pick([5, 10, 20, 45, 80, 125, 1.25, 3.2, 30])
    obj = pick(["A stone is dropped from a bridge", "A phone slips off a balcony", "An apple falls from a branch",
                "A ball is released from a window"])
    t = math.sqrt(2 * h / 9.8)
    return ((f"{obj} {num(h)} m above the ground. Ignoring air resistance, how long does it take to land and how fast "
            "is it going?"), ["Use h = ½gt², so t = √(2h / g).", f"t = √(2 × {num(h)} / 9.8) ≈ {t:.2f} s.",
                            f"Impact speed v = g × t = 9.8 × {t:.2f} ≈ {9.8 * t:.1f} m/s."],
            f"{t:.2f} s, about {9.8 * t:.1f} m/s")


def phys_ke():
    m, v = pick([(1200, 20), (1500, 25), (2000, 15), (70, 8), (0.145, 40), (0.057, 50), (900, 30)])
    what = {1200: "a car", 1500: "a car", 2000: "a van", 70: "a sprinter", 0.145: "a baseball", 0.057: "a tennis ball",
            900: "a small car"}[m]
    ke = 0.5 * m * v * v
    return (f"What is the kinetic energy of {what} with a mass of {num(m, 3)} kg moving at {v} m/s?",
            ["KE = ½mv².", f"KE = 0.5 × {num(m, 3)} × {v}² = {num(ke, 1)} J."] +
            ([f"That's {num(ke / 1000, 1)} kJ. Doubling the speed would quadruple it."] if ke > 5000 else []),
            f"{num(ke, 1)} J")


def phys_ohm():
    v, r = pick([1.5, 3, 5, 9, 12, 24, 120, 230]), pick([2, 4, 6, 10, 12, 47, 100, 220, 330, 1000])
    i = v / r
    return ((f"A {num(v)} V source is connected across a {r} Ω resistor. What current flows, and how much power does "
            "the resistor dissipate?"), [f"Ohm's law: I = V / R = {num(v)} / {r} = {i:.4g} A.",
                                       f"Power: P = V × I = {num(v)} × {i:.4g} ≈ {v * i:.4g} W."],
            f"{i:.4g} A and {v * i:.4g} W")


def phys_pendulum():
    length = pick([0.25, 0.5, 1, 1.5, 2, 2.5, 0.8])
    t = 2 * math.pi * math.sqrt(length / 9.8)
    return (f"What is the period of a simple pendulum {num(length)} m long?",
            ["For small swings, T = 2π√(L / g).", f"T = 2π × √({num(length)} / 9.8) ≈ {t:.2f} s.",
             "The mass of the bob does not matter, only the length and gravity."], f"{t:.2f} s")


def phys_table():
    h, v = pick([0.75, 0.8, 0.9, 1.0, 1.2]), pick([1.5, 2, 2.5, 3, 4])
    t = math.sqrt(2 * h / 9.8)
    return (f"A marble rolls off a {num(h)} m high table at {num(v)} m/s. How far from the table does it land?",
            ["The horizontal and vertical motions are independent.",
             f"Fall time: t = √(2h / g) = √(2 × {num(h)} / 9.8) ≈ {t:.3f} s.",
             f"Horizontal distance: x = v × t = {num(v)} × {t:.3f} ≈ {v * t:.2f} m."], f"about {v * t:.2f} m")


def phys_wave():
    f = pick([50, 220, 262, 440, 880, 1000, 4000])
    return (f"What is the wavelength of a {f} Hz sound wave in air, where sound travels at 343 m/s?",
            ["Wavelength = speed ÷ frequency.", f"λ = 343 / {f} ≈ {343 / f:.3g} m."], f"{343 / f:.3g} m")


def gen_physics():
    if chance(0.45):
        return fact(PHYSICS, ["Explain {s} in simple terms.", "Can you give me an intuitive explanation of {s}?",
                              "Help me understand {s}.", "Explain {s} to a curious 14-year-old."],
                    ["Working through one numerical example makes this click.",
                     "Drawing a free-body diagram first avoids most sign mistakes."])
    return calc(pick([phys_fall, phys_ke, phys_ohm, phys_pendulum, phys_table, phys_wave, phys_power, phys_density,
                      phys_force])())


# ------------------------------------------------------------------------------------------------ math word problems
NAMES = ["Maya", "Jonas", "Priya", "Tom", "Aisha", "Luis", "Hannah", "Kenji", "Sofia", "Omar", "Grace", "Mateo",
         "Chloe", "Ravi", "Elena", "Sam", "Noor", "Felix", "Ines", "Dev"]


def m_speed():
    veh, unit = pick([("train", "km"), ("car", "km"), ("cyclist", "km"), ("bus", "miles"), ("delivery van", "miles")])
    v = RNG.randint(12, 28) if veh == "cyclist" else RNG.randrange(40, 121, 4)
    t1 = RNG.randint(2, 5)
    t2 = pick([x for x in range(2, 9) if x != t1]) + pick([0, 0, 0.5])
    return (f"A {veh} travels {v * t1} {unit} in {t1} hours. At the same speed, how far will it go in {num(t2)} hours?",
            [f"Speed = distance ÷ time = {v * t1} ÷ {t1} = {v} {unit} per hour.",
             f"Distance = {v} × {num(t2)} = {num(v * t2)} {unit}."], f"{num(v * t2)} {unit}")


def m_meet():
    a, b = RNG.sample(NAMES, 2)
    v1, v2, t = RNG.randrange(40, 91, 5), RNG.randrange(40, 91, 5), pick([1, 1.5, 2, 2.5, 3])
    d = (v1 + v2) * t
    return ((f"Two towns are {num(d)} km apart. {a} drives from the first town toward the second at {v1} km/h, and at "
            f"the same time {b} drives from the second toward the first at {v2} km/h. When do they meet, and how far "
            "from the first town?"),
            [f"They close the gap at {v1} + {v2} = {v1 + v2} km/h.", f"Time to meet = {num(d)} ÷ {v1 + v2} = {num(t)} h.",
             f"{a} has driven {v1} × {num(t)} = {num(v1 * t)} km by then."],
            f"after {num(t)} hour{'s' if t != 1 else ''}, {num(v1 * t)} km from the first town")


def m_discount():
    item = pick(["jacket", "pair of running shoes", "desk lamp", "backpack", "board game", "blender", "watch"])
    p, d, tax = pick([40, 45, 60, 80, 120, 150, 250, 36, 72, 95]), pick([10, 15, 20, 25, 30, 40]), pick([5, 6, 8, 10, 13])
    after = p * (1 - d / 100)
    total = round(after * (1 + tax / 100), 2)
    return ((f"A {item} costs ${p} and is on sale for {d}% off. Sales tax of {tax}% is added after the discount. "
            "What is the final price?"), [f"Discount: {d}% of {money(p)} = {money(p * d / 100)}.",
                                         f"Sale price: {money(p)} − {money(p * d / 100)} = {money(after)}.",
                                         f"Tax: {tax}% of {money(after)} = {money(after * tax / 100)}.",
                                         f"Final price: {money(total)}."], money(total))


def m_work():
    a, b = pick([(3, 6), (4, 12), (6, 12), (10, 15), (2, 3), (5, 20), (12, 24), (6, 3), (4, 6), (8, 24)])
    job, who = pick([("fill a pool", ("the first hose", "the second hose")), ("paint a fence", (None, None)),
                     ("print a batch of flyers", ("the old printer", "the new printer"))])
    if who[0] is None:
        who = tuple(RNG.sample(NAMES, 2))
    t = Fraction(a * b, a + b)
    h, mins = int(t), round((t - int(t)) * 60)
    shown = f"{h} hour{'s' if h != 1 else ''}" + (f" {mins} minutes" if mins else "")
    return ((f"{cap(who[0])} can {job} alone in {a} hours, and {who[1]} can do it alone in {b} hours. How long will it "
            "take working together?"), [f"Rates: 1/{a} and 1/{b} of the job per hour.",
                                       f"Combined: 1/{a} + 1/{b} = {Fraction(1, a) + Fraction(1, b)} of the job per hour.",
                                       f"Time = 1 ÷ {Fraction(1, a) + Fraction(1, b)} = " + (shown if t.denominator == 1 else f"{frac(t)} hours = {shown}") + "."],
            shown)


def m_average():
    while True:
        k, target = RNG.randint(3, 5), pick([80, 85, 88, 90])
        scores = [RNG.randint(68, 96) for _ in range(k)]
        need = target * (k + 1) - sum(scores)
        if 55 <= need <= 100:
            break
    who = pick(NAMES)
    return ((f"{who} scored {', '.join(map(str, scores[:-1]))} and {scores[-1]} on {k} tests. What score does {who} need "
            f"on the next test to average {target}?"),
            [f"Total needed over {k + 1} tests: {target} × {k + 1} = {target * (k + 1)}.",
             f"Points so far: {' + '.join(map(str, scores))} = {sum(scores)}.",
             f"Needed: {target * (k + 1)} − {sum(scores)} = {need}."], str(need))


def m_fence():
    length, w, c = RNG.randint(6, 20), RNG.randint(3, 12), pick([8, 12, 15, 22.5, 30])
    per = 2 * (length + w)
    return ((f"A rectangular garden is {length} m long and {w} m wide. Fencing costs ${num(c)} per metre. How much will it "
            "cost to fence the whole garden, and what is its area?"),
            [f"Perimeter = 2 × ({length} + {w}) = {per} m.", f"Cost = {per} × {money(c)} = {money(per * c)}.",
             f"Area = {length} × {w} = {length * w} m²."], f"{money(per * c)}; {length * w} m²")


def m_recipe():
    s, s2 = pick([4, 6, 8]), pick([2, 3, 10, 12, 5])
    q, unit, ing = pick([(Fraction(3, 2), "cups", "flour"), (Fraction(2), "cups", "milk"),
                         (Fraction(3, 4), "cup", "sugar"), (Fraction(9, 4), "cups", "oats")])
    new = q * s2 / s
    return (f"A recipe that serves {s} uses {frac(q)} {unit} of {ing}. How much {ing} do you need to serve {s2}?",
            [f"Scale factor: {s2} ÷ {s} = {frac(Fraction(s2, s))}.", f"{frac(q)} × {frac(Fraction(s2, s))} = {frac(new)}."],
            f"{frac(new)} cups")


def m_unit():
    item, u = pick([("cereal", "g"), ("coffee", "g"), ("olive oil", "ml"), ("laundry detergent", "ml")])
    s1, s2 = pick([(375, 750), (250, 1000), (500, 1500), (400, 900)])
    p1 = RNG.randint(20, 60) / 10
    p2 = round(p1 * s2 / s1 * pick([0.8, 0.9, 1.1, 1.2]), 2)
    u1, u2 = p1 / s1 * 100, p2 / s2 * 100
    better = "the larger pack" if u2 < u1 else "the smaller pack"
    return (f"A {s1} {u} box of {item} costs ${p1:.2f} and a {s2} {u} box costs ${p2:.2f}. Which is the better deal?",
            [f"Small: {money(p1)} ÷ {s1} × 100 = {money(u1)} per 100 {u}.",
             f"Large: {money(p2)} ÷ {s2} × 100 = {money(u2)} per 100 {u}.", f"Lower price per 100 {u}: {better}."],
            better)


def m_marbles():
    r, b, g = RNG.randint(2, 8), RNG.randint(2, 8), RNG.randint(1, 6)
    n = r + b + g
    p2 = Fraction(r * (r - 1), n * (n - 1))
    return ((f"A bag has {r} red, {b} blue and {g} green marbles. If you draw two without replacement, what is the "
            "probability both are red?"), [f"Total marbles: {n}.", f"First red: {r}/{n}. Second red: {r - 1}/{n - 1}.",
                                          f"Multiply: {r}/{n} × {r - 1}/{n - 1} = {p2} ≈ {float(p2):.3f}."], str(p2))


def m_ages():
    a, b = RNG.sample(NAMES, 2)
    y, d = RNG.randint(8, 40), RNG.randint(2, 30)
    s = 2 * y + d
    return (f"{a} is {d} years older than {b}. Together their ages add up to {s}. How old is each?",
            [f"Let {b}'s age be x, so {a} is x + {d}.", f"x + x + {d} = {s}, so 2x = {s - d} and x = {y}.",
             f"{a} is {y} + {d} = {y + d}."], f"{b} is {y}, {a} is {y + d}")


def m_bill():
    total, tip, k = RNG.randint(6000, 32000) / 100, pick([15, 18, 20]), RNG.randint(2, 8)
    with_tip = round(total * (1 + tip / 100), 2)
    return ((f"Dinner for {k} people costs ${total:.2f}. They add a {tip}% tip and split the bill evenly. How much does "
            "each person pay?"), [f"Tip: {tip}% of {money(total)} = {money(total * tip / 100)}.",
                                 f"Total with tip: {money(with_tip)}.", f"Each: {money(with_tip)} ÷ {k} ≈ {money(with_tip / k)}."],
            money(with_tip / k))


def m_consecutive():
    n, k = RNG.randint(5, 90), pick([3, 4, 5])
    s = k * n + k * (k - 1) // 2
    return (f"The sum of {k} consecutive integers is {s}. What are they?",
            [f"Call them n, n + 1, ..., n + {k - 1}; their sum is {k}n + {k * (k - 1) // 2}.",
             f"{k}n + {k * (k - 1) // 2} = {s}, so {k}n = {s - k * (k - 1) // 2} and n = {n}."],
            ", ".join(str(n + i) for i in range(k)))


def gen_math():
    return calc(pick([m_speed, m_meet, m_discount, m_work, m_average, m_fence, m_recipe, m_unit, m_marbles, m_ages,
                      m_bill, m_consecutive])())


# ------------------------------------------------------------------------------------------------ writing and editing
TITLE_TOPICS = [("remote work", "stay focused while working from home"), ("sourdough baking", "bake your first loaf"),
                ("personal budgeting", "stop living paycheck to paycheck"), ("learning Spanish", "learn vocabulary faster"),
                ("running", "train for your first half marathon"), ("houseplants", "keep houseplants alive"),
                ("public speaking", "calm your nerves before a talk"), ("phone photography", "take better photos"),
                ("decluttering", "clear out your home in a weekend"), ("job interviews", "answer 'tell me about yourself'")]
TITLE_PATTERNS = ["How to {G} (Even If You're Busy)", "{k} Simple Ways to {G}", "The Beginner's Guide to {T}",
                  "What Nobody Tells You About {T}", "I Tried {T} for 30 Days. Here's What Happened",
                  "{T}: {k} Mistakes to Avoid", "Why Your {T} Plan Isn't Working", "A Realistic Plan to {G}",
                  "{T} Without the Overwhelm", "Stop Guessing: A Practical Approach to {T}", "{G} in {k} Steps"]
SMALL = {"a", "an", "the", "to", "for", "of", "in", "on", "and", "your", "while", "at"}


def title_case(s):
    return " ".join(w if (i and w in SMALL) else cap(w) for i, w in enumerate(s.split()))


def gen_writing():
    if chance(0.3):
        return write_email()
    r = RNG.random()
    if r < 0.25:
        wrong, right, why = pick(GRAMMAR_FIX)
        instr = pick(["Fix the grammar in this sentence.", "Correct any errors in the following:", "Proofread this.",
                      "Can you fix the mistakes here?", "Please correct the grammar and spelling.", "fix this sentence"])
        out = pick(["", "Corrected: ", "Here's the corrected version: "]) + right
        if chance(0.7):
            out += "\n\n" + why
        return instr, wrong, out, "grammar"
    if r < 0.45:
        wordy, tight, note = pick(WORDY_PAIRS)
        instr = pick(["Make this sentence more concise.", "Tighten this up:", "Rewrite this with fewer words.",
                      "Edit this for brevity but keep the meaning.", "This sounds wordy. Can you shorten it?"])
        return instr, wordy, tight + ("\n\n" + note if chance(0.6) else ""), "concise writing"
    if r < 0.62:
        style, src, dst = pick(TONE_PAIRS)
        instr = pick(["Rewrite this to sound more {t}:", "Make this message more {t}.", "Can you make this {t}?",
                      "Rephrase this in a {t} tone."]).format(t=style)
        return instr, src, dst, "tone"
    if r < 0.8:
        thing, goal = pick(TITLE_TOPICS)
        n = pick([3, 4, 5])
        instr = pick(["Suggest {n} titles for a blog post about {t}.", ("Give me {n} headline ideas for an article on "
                      "how to {g}."), "I'm writing a newsletter about {t}. Brainstorm {n} subject lines."]).format(
            n=n, t=thing, g=goal)
        titles = [p.format(G=title_case(goal), T=title_case(thing), k=pick([3, 5, 7, 10]))
                  for p in RNG.sample(TITLE_PATTERNS, n)]
        out = "\n".join(f"{i}. {t}" for i, t in enumerate(titles, 1))
        if chance(0.5):
            out += "\n\n" + pick(["Numbers and specific outcomes tend to get more clicks.", ("I'd go with the second one; "
                                  "it promises something concrete."), ("Keep subject lines under about 50 characters so "
                                  "they aren't cut off on phones.")])
        return instr, "", out, "headlines"
    return fact(GRAMMAR_RULES, ["Can you explain {s}?", "Explain {s} with examples.",
                                "I always get confused by {s}. Help?", "What's the rule for {s}?"])


# ------------------------------------------------------------------------------------------------ fitness and gardening
EXERCISES = {
    "a full gym": {"legs": ["Back squat", "Romanian deadlift", "Leg press", "Walking lunges", "Hip thrust"],
                   "push": ["Bench press", "Overhead press", "Incline dumbbell press", "Dips"],
                   "pull": ["Lat pulldown", "Barbell row", "Seated cable row", "Pull-ups"],
                   "core": ["Hanging knee raise", "Cable woodchop", "Plank"]},
    "just dumbbells": {"legs": ["Goblet squat", "Dumbbell Romanian deadlift", "Reverse lunge", "Bulgarian split squat"],
                       "push": ["Floor press", "Seated dumbbell shoulder press", "Push-ups"],
                       "pull": ["One-arm dumbbell row", "Chest-supported row", "Reverse fly"],
                       "core": ["Dead bug", "Side plank", "Suitcase carry"]},
    "no equipment at all": {"legs": ["Bodyweight squat", "Split squat", "Glute bridge", "Step-ups on a sturdy chair"],
                            "push": ["Push-ups", "Pike push-ups", "Chair dips"],
                            "pull": ["Towel door row", "Superman hold", "Prone Y-raise"],
                            "core": ["Plank", "Dead bug", "Mountain climbers"]}}
GOALS = {"build strength": "4 x 5", "build muscle": "3 x 8-12", "improve general fitness": "3 x 10-15",
         "lose fat": "3 x 10-12"}


def fit_plan():
    kit, goal, n = pick(list(EXERCISES)), pick(list(GOALS)), RNG.randint(2, 4)
    level = pick(["a beginner", "someone coming back after a long break", "an intermediate lifter", "a busy parent"])
    instr = pick(["Create a {n}-day weekly workout plan to {g} with {k}, for {l}.",
                  "I can train {n} days a week with {k}. I want to {g}. What should I do?",
                  "Give me a {n}-day routine to {g}. Equipment: {k}."]).format(n=n, g=goal, k=kit, l=level)
    ex, lines_ = EXERCISES[kit], []
    for d in range(n):
        moves = [pick(ex["legs"]), pick(ex["push"]), pick(ex["pull"]), pick(ex["core"])]
        lines_.append(f"Day {d + 1}: " + ", ".join(f"{m} {GOALS[goal]}" for m in RNG.sample(moves, len(moves))))
    notes = ["Rest at least one day between sessions.", "Add weight or reps when the last set feels easy.",
             "Warm up for 5 to 10 minutes first.", "Add two or three 30-minute brisk walks on off days.",
             "Sleep and protein matter as much as the plan."]
    return instr, "", "\n".join(lines_) + "\n\n" + " ".join(some(notes, RNG.randint(1, 3))), "fitness"


def gen_fitness():
    if chance(0.3):
        return fit_plan()
    if chance(0.4):
        return fit_calc()
    return fact(FITNESS, ["Any tips on {s}?", "What should I know about {s}?", "I'm new to training. Can you explain {s}?",
                          "Give me practical advice on {s}."],
                ["If something hurts (not just effort), stop and get it checked.", "Consistency beats intensity."])


def gen_gardening():
    if chance(0.45):
        return garden_calc()
    return fact(GARDEN, ["Any tips for {s}?", "What should I know about {s}?", "I'm a beginner gardener. Help me with {s}.",
                         "Give me some practical advice on {s}.", "What's the right way to go about {s}?"],
                ["Your local extension service or gardening club will know what works in your area.",
                 "A soil test every few years takes a lot of the guesswork out."])


# ------------------------------------------------------------------------------------------------ customer support
PRODUCTS = [("Northwind Audio", "wireless headphones", "charging cable"), ("Brightdesk", "standing desk", "bag of bolts"),
            ("Lumen Home", "smart bulb starter kit", "bridge hub"), ("Peak Gear", "hiking backpack", "rain cover"),
            ("Brewline", "espresso machine", "portafilter"), ("Stitch & Co", "linen shirt", "spare button"),
            ("Kettle & Crumb", "cast-iron skillet", "handle cover"), ("Orbit Fitness", "fitness tracker", "charging dock")]
PLANS = [("FreshCrate", "meal kit subscription"), ("Cloudnote", "Cloudnote Pro plan"), ("StreamBox", "streaming plan")]
ISSUES = {
    "damaged": (["my {product} arrived today but the box was crushed and {detail}. Order #{order}.",
                 "the {product} from order #{order} came damaged: {detail}. Not happy."],
                ["I'm really sorry your {product} arrived damaged.", ("That's not the condition it should have reached you in, "
                 "and I'm sorry.")],
                ["I've arranged a free replacement, which will ship within 2 business days; you'll get tracking by email.",
                 "I've refunded {amount} to your original payment method. It should show within 5 to 10 business days."],
                ["There's no need to send the damaged one back.",
                 "If you can reply with a photo of the damage, it helps us file a claim with the courier."]),
    "late": (["order #{order} was supposed to arrive on {day} and it still hasn't come. Tracking hasn't updated in {n} days.",
              "where is my order? #{order}, paid {amount}, nothing has arrived."],
             ["I'm sorry for the wait on order #{order}.", "I understand how frustrating a delayed delivery is."],
             ["The parcel is held up at the carrier's regional depot, and I've opened a trace with them.",
              ("I've checked with the warehouse: it left late, and I've upgraded it to express so it should reach you "
              "within two business days.")],
             ["If it hasn't arrived by {day}, I'll send a replacement by express shipping at no cost.",
              "As an apology, I've added a {pct}% discount code to your account: SORRY{pct}."]),
    "double_charge": (["I was charged twice for order #{order}, {amount} each time. Please fix this.",
                       "my bank shows two payments of {amount} for the {product}. I only ordered once."],
                      ["You're right, and I'm sorry for the confusion.", "Thanks for flagging this so quickly."],
                      ["I can see two charges of {amount}; the second was a duplicate, and I've refunded it.",
                       "I've refunded the duplicate charge of {amount}."],
                      ["Banks usually release the money within 3 to 5 business days.",
                       "If it hasn't cleared by {day}, reply here and I'll send you a refund confirmation for your bank."]),
    "missing_part": (["the {product} arrived but the {part} is missing. Order #{order}.",
                      "opened my {product} today and there's no {part} in the box."],
                     ["Sorry about the missing {part}.", "I'm sorry, that's an annoying start with a new {product}."],
                     ["I'm sending a replacement {part} by express post today, at no cost."],
                     ["You'll get a tracking number by email within a few hours.",
                      "In the meantime, the quick-start guide on our website shows how to use it without the {part}."]),
    "cancel": (["I'd like to cancel my {product}. How do I do that?", "please cancel my {product}, I'm moving abroad."],
               ["Thanks for being with us, and sorry to see you go.", "No problem, I can help with that."],
               ["I've cancelled your {product}, effective at the end of the current billing period on {day}."],
               ["You'll keep access until then and won't be charged again.",
                "If cost was the reason, we can offer three months at half price; just reply and I'll apply it.",
                "Your saved data stays available for 30 days in case you change your mind."]),
    "login": (["I can't log into my account. I've reset my password twice and it still says invalid credentials.",
               "the app keeps logging me out and now I can't get back in to my {product}."],
              ["Sorry you're locked out; let's get you back in.", "I'm sorry for the trouble signing in."],
              ["Your account was temporarily locked after several failed attempts, and I've just unlocked it.",
               "I've sent a fresh password reset link; it works for 30 minutes."],
              ["Please try signing in from a private browser window, which rules out old cookies.",
               "Make sure you're using the email address the account was created with.",
               "If it still fails, reply with a screenshot of the error and I'll escalate it to our technical team."])}
DETAILS = ["one corner is cracked", "it won't turn on", "there's a deep scratch across the front", "a piece rattles inside"]
FIRST = ["Dana", "Marco", "Aiko", "Ben", "Fatima", "Oliver", "Lucia", "Ahmed", "Rosa", "Jack", "Mei", "Tariq", "Nina"]
AGENTS = ["Sam", "Leah", "Carlos", "Priya", "Jonah", "Emma", "Kofi"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def gen_support():
    issue = pick(list(ISSUES))
    if issue in ("cancel", "login") or (issue == "double_charge" and chance(0.4)):
        company, product = pick(PLANS)
        part = "account"
    else:
        company, product, part = pick(PRODUCTS)
    ctx = {"product": product, "part": part, "order": RNG.randint(100000, 999999), "day": pick(DAYS), "n": RNG.randint(3, 9),
               "amount": money(RNG.randint(1900, 34900) / 100), "pct": pick([10, 15, 20]), "detail": pick(DETAILS)}
    msgs, empathy, fixes, extras = ISSUES[issue]
    cust = pick(FIRST)
    body = pick(msgs).format(**ctx)
    angry = chance(0.25)
    msg = (pick(["Hi,\n\n", "Hello,\n\n", ""]) + ("This is the second time I'm writing. " if angry else "")
           + cap(body) + "\n\n" + pick(["Thanks,\n", "Regards,\n", "- "]) + cust)
    reply = [pick(["Hi {c},", "Hello {c},", "Dear {c},"]).format(c=cust),
             ("I understand how frustrating it is to have to write again. " if angry else "")
             + pick(empathy).format(**ctx),
             " ".join([pick(fixes)] + some(extras, RNG.randint(1, 2))).format(**ctx),
             pick(["Let me know if there's anything else I can do.", ("If you have any other questions, just reply to "
                   "this email."), "Thanks for your patience while we sort this out.", "We appreciate you letting us know."]),
             pick(["Best regards,", "Kind regards,", "Thanks,", "All the best,"]) + "\n" + pick(AGENTS) + "\n"
             + company + pick([" Support", " Customer Care"])]
    instr = pick(["Write a reply to this customer email.", ("Draft a polite, helpful response to the following customer "
                  "message."), f"You're a support agent at {company}. Respond to this customer.",
                  "Write a customer service reply. Keep it short.", "Reply to this complaint. Be empathetic but concise."])
    return instr, msg, "\n\n".join(reply), "customer service"


# ------------------------------------------------------------------------------------------------ SQL
SCHEMA = ("customers(id, name, email, country, created_at)\norders(id, customer_id, total, status, created_at)\n"
          "products(id, name, category, price)\norder_items(order_id, product_id, quantity)\n"
          "employees(id, name, department, salary, hire_date, manager_id)")
COUNTRIES = ["Canada", "Germany", "Brazil", "Japan", "France", "Australia", "India", "Mexico"]
DEPTS = ["Engineering", "Sales", "Marketing", "Finance", "Support"]


def sql_task():
    n, y, c, d, k = RNG.randint(3, 20), RNG.randint(2019, 2024), pick(COUNTRIES), pick(DEPTS), RNG.randint(3, 50)
    tasks = [
        (f"Write a SQL query that returns the top {n} customers by total spend on completed orders in {y}.",
         (f"SELECT c.id, c.name, SUM(o.total) AS total_spent\nFROM customers c\nJOIN orders o ON o.customer_id = c.id\n"
         f"WHERE o.status = 'completed'\n  AND o.created_at >= '{y}-01-01' AND o.created_at < '{y + 1}-01-01'\n"
         f"GROUP BY c.id, c.name\nORDER BY total_spent DESC\nLIMIT {n};"),
         "Filtering on a half-open date range keeps the query index-friendly, unlike wrapping created_at in a function."),
        (f"Find customers from {c} who have never placed an order.",
         (f"SELECT c.id, c.name, c.email\nFROM customers c\nLEFT JOIN orders o ON o.customer_id = c.id\n"
         f"WHERE c.country = '{c}'\n  AND o.id IS NULL;"),
         "The LEFT JOIN keeps every customer, and rows with no matching order have NULL in the order columns."),
        (f"How many orders and how much revenue did we have per month in {y}? (PostgreSQL)",
         (f"SELECT DATE_TRUNC('month', created_at) AS month,\n       COUNT(*) AS orders,\n       SUM(total) AS revenue\n"
         f"FROM orders\nWHERE created_at >= '{y}-01-01' AND created_at < '{y + 1}-01-01'\nGROUP BY 1\nORDER BY 1;"),
         "In SQLite you would group by strftime('%Y-%m', created_at) instead of DATE_TRUNC."),
        (f"List employees in {d} who earn more than their department's average salary.",
         (f"SELECT e.name, e.salary\nFROM employees e\nWHERE e.department = '{d}'\n  AND e.salary > (\n"
         "    SELECT AVG(salary) FROM employees WHERE department = e.department\n  );"),
         "The subquery is correlated: it is evaluated per department, so the same pattern works without the filter."),
        ("Find the second highest salary in each department.",
         ("SELECT department, salary\nFROM (\n  SELECT department, salary,\n         DENSE_RANK() OVER (PARTITION BY "
         "department ORDER BY salary DESC) AS rnk\n  FROM employees\n) ranked\nWHERE rnk = 2;"),
         "DENSE_RANK gives ties the same rank, so two people sharing the top salary do not push the real second one out."),
        (f"Show daily revenue and a running total for {y}.",
         (f"SELECT day, revenue,\n       SUM(revenue) OVER (ORDER BY day) AS running_total\nFROM (\n"
         f"  SELECT CAST(created_at AS DATE) AS day, SUM(total) AS revenue\n  FROM orders\n"
         f"  WHERE created_at >= '{y}-01-01' AND created_at < '{y + 1}-01-01'\n  GROUP BY 1\n) daily\nORDER BY day;"),
         "The window function runs after the GROUP BY, so aggregate per day first, then accumulate."),
        ("Find email addresses that appear more than once in the customers table.",
         "SELECT email, COUNT(*) AS n\nFROM customers\nGROUP BY email\nHAVING COUNT(*) > 1\nORDER BY n DESC;",
         "Compare on LOWER(email) if the same address may be stored with different capitalization."),
        ("Which products have never been ordered?",
         ("SELECT p.id, p.name\nFROM products p\nWHERE NOT EXISTS (\n  SELECT 1 FROM order_items oi WHERE oi.product_id "
         "= p.id\n);"), "NOT EXISTS handles NULLs more predictably than NOT IN with a subquery."),
        (f"Average order value by country, only for countries with at least {k} orders.",
         (f"SELECT c.country, COUNT(*) AS orders, ROUND(AVG(o.total), 2) AS avg_order\nFROM orders o\n"
         f"JOIN customers c ON c.id = o.customer_id\nGROUP BY c.country\nHAVING COUNT(*) >= {k}\nORDER BY avg_order DESC;"),
         "HAVING filters groups after aggregation; a WHERE clause could not refer to COUNT(*)."),
        ("List each employee with their manager's name.",
         "SELECT e.name AS employee, m.name AS manager\nFROM employees e\nLEFT JOIN employees m ON m.id = e.manager_id;",
         "It is a self-join; the LEFT JOIN keeps people with no manager, such as the CEO."),
        (f"Revenue by product category in {y}.",
         (f"SELECT p.category, SUM(oi.quantity * p.price) AS revenue\nFROM order_items oi\n"
         f"JOIN products p ON p.id = oi.product_id\nJOIN orders o ON o.id = oi.order_id\n"
         f"WHERE o.created_at >= '{y}-01-01' AND o.created_at < '{y + 1}-01-01'\nGROUP BY p.category\n"
         "ORDER BY revenue DESC;"), "This uses the current product price; store the price on order_items if it can change."),
        (f"Find employees hired in {y} in the {d} department, newest first.",
         (f"SELECT name, hire_date, salary\nFROM employees\nWHERE department = '{d}'\n"
         f"  AND hire_date >= '{y}-01-01' AND hire_date < '{y + 1}-01-01'\nORDER BY hire_date DESC;"),
         "An index on (department, hire_date) would make this fast on a large table.")]
    q, sql, note = pick(tasks)
    inp = ("Tables:\n" + SCHEMA) if chance(0.5) else ""
    q = pick(["", "", "SQL question: ", "Using the schema below, "]) + (low(q) if inp and chance(0.5) else q)
    out = pick(["", "", "Here's one way:\n\n", "This should work:\n\n"]) + "```sql\n" + sql + "\n```"
    return q, inp, out + ("\n\n" + note if chance(0.75) else ""), "SQL"


def gen_sql():
    if chance(0.35):
        return sql_run()
    if chance(0.3):
        return fact(SQL_CONCEPTS, ["Explain {s} in SQL.", "What's the deal with {s}?", "Can you explain {s} with an example?"])
    return sql_task()


# ------------------------------------------------------------------------------------------------ music theory
LET, NAT = "CDEFGAB", [0, 2, 4, 5, 7, 9, 11]
MAJOR, MINOR = [0, 2, 4, 5, 7, 9, 11], [0, 2, 3, 5, 7, 8, 10]
CHORDS = [("major", "", [(0, 0), (2, 4), (4, 7)], "root, major third and perfect fifth"),
          ("minor", "m", [(0, 0), (2, 3), (4, 7)], "root, minor third and perfect fifth"),
          ("diminished", "dim", [(0, 0), (2, 3), (4, 6)], "root, minor third and diminished fifth"),
          ("augmented", "+", [(0, 0), (2, 4), (4, 8)], "root, major third and augmented fifth"),
          ("dominant seventh", "7", [(0, 0), (2, 4), (4, 7), (6, 10)], "a major triad plus a minor seventh"),
          ("major seventh", "maj7", [(0, 0), (2, 4), (4, 7), (6, 11)], "a major triad plus a major seventh"),
          ("minor seventh", "m7", [(0, 0), (2, 3), (4, 7), (6, 10)], "a minor triad plus a minor seventh"),
          ("suspended fourth", "sus4", [(0, 0), (3, 5), (4, 7)], "root, perfect fourth and perfect fifth")]
INTERVALS = [("minor second", 1, 1), ("major second", 1, 2), ("minor third", 2, 3), ("major third", 2, 4),
             ("perfect fourth", 3, 5), ("augmented fourth (tritone)", 3, 6), ("perfect fifth", 4, 7),
             ("minor sixth", 5, 8), ("major sixth", 5, 9), ("minor seventh", 6, 10), ("major seventh", 6, 11)]
ORD = ["unison", "second", "third", "fourth", "fifth", "sixth", "seventh", "octave"]
ROOTS = ["C", "C#", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]


def pcl(note):
    return (NAT[LET.index(note[0])] + note.count("#") - note.count("b")) % 12


def spell(root, steps, semis):
    li = (LET.index(root[0]) + steps) % 7
    diff = (pcl(root) + semis - NAT[li]) % 12
    diff = diff - 12 if diff > 6 else diff
    return None if abs(diff) > 1 else LET[li] + {0: "", 1: "#", -1: "b"}[diff]


def scale(root, pattern):
    notes = [spell(root, i, s) for i, s in enumerate(pattern)]
    return None if None in notes else notes


def music_task():
    while True:
        kind = pick(["scale", "scale", "chord", "chord", "interval", "diatonic", "relative"])
        root = pick(ROOTS)
        if kind == "scale":
            minor = chance(0.4)
            notes = scale(root, MINOR if minor else MAJOR)
            if not notes:
                continue
            name = f"{root} {'natural minor' if minor else 'major'}"
            acc = sum(n.count("#") + n.count("b") for n in notes)
            sig = "no sharps or flats" if acc == 0 else f"{acc} {'sharp' if '#' in ''.join(notes) else 'flat'}" + \
                ("s" if acc > 1 else "")
            q = pick(["What notes are in the {k} scale?", "Spell the {k} scale.", "Write out {k} for me."]).format(k=name)
            pat = "W-W-H-W-W-W-H" if not minor else "W-H-W-W-H-W-W"
            out = (f"{name}: {' '.join(notes + [notes[0]])}. " +
                   pick([f"It follows the step pattern {pat}. ", ""]) + f"The key signature has {sig}.")
            return q, out
        if kind == "chord":
            cname, sym, ivs, desc = pick(CHORDS)
            notes = [spell(root, s, semi) for s, semi in ivs]
            if None in notes:
                continue
            art = "an" if root[0] in "AEF" else "a"  # "an E flat", "an F sharp"
            q = pick(["What notes are in {a} {r} {c} chord?", "Spell {r}{s}.", "How do I build {a} {r} {c} chord?",
                      "Which notes make up {r}{s}?"]).format(a=art, r=root, c=cname, s=sym)
            out = (f"{root}{sym} ({root} {cname}) is {', '.join(notes[:-1])} and {notes[-1]}. "
                   f"{cap(a_an(cname))} chord is {desc}.")
            if chance(0.4):
                out += " " + pick(["On guitar, try it as a barre shape first.", ("Invert it by moving the bottom note "
                                   "up an octave; the chord name stays the same."), ("Play the notes one at a time to "
                                   "hear how each interval sounds.")])
            return q, out
        if kind == "interval":
            iname, steps, semis = pick(INTERVALS)
            top = spell(root, steps, semis)
            if not top:
                continue
            q = pick(["What interval is {a} up to {b}?", "Name the interval from {a} to {b} (ascending).",
                      "Is {a} to {b} a {x}? How do I work it out?"]).format(a=root, b=top, x=ORD[steps])
            out = (f"It's a {iname}. Count letter names: {root} to {top} spans {steps + 1}, so it's some kind of "
                   f"{ORD[steps]}. Then count semitones: {semis}, which makes it {'an' if iname[0] in 'aeiou' else 'a'} "
                   f"{iname.split(' (')[0]}.")
            return q, out
        notes = scale(root, MAJOR)
        if not notes:
            continue
        if kind == "diatonic":
            qual = ["", "m", "m", "", "", "m", "dim"]
            roman = ["I", "ii", "iii", "IV", "V", "vi", "vii°"]
            chords = [f"{r} = {n}{q}" for r, n, q in zip(roman, notes, qual)]
            q = pick(["What are the chords in the key of {k} major?", "List the diatonic triads in {k} major.",
                      "Which chords can I use in {k} major?"]).format(k=root)
            out = (f"The diatonic triads in {root} major are: " + ", ".join(chords) + ". " +
                   pick([f"A very common progression is I-V-vi-IV: {notes[0]}, {notes[4]}, {notes[5]}m, {notes[3]}.",
                         f"The V chord, {notes[4]}, pulls strongly back to {notes[0]}.", ""])).strip()
            return q, out
        rel = spell(root, 5, 9)
        q = pick(["What's the relative minor of {k} major?", "{k} major: what is its relative minor?"]).format(k=root)
        return q, (f"The relative minor of {root} major is {rel} minor. It shares the same key signature; you find it "
                   f"on the sixth degree of the major scale, three semitones below the tonic.")


def gen_music():
    if chance(0.35):
        return fact(MUSIC_CONCEPTS, ["Explain {s} simply.", "Can you help me understand {s}?",
                                     "Can you explain {s} in plain terms?"],
                    ["Try it on an instrument; hearing it makes it stick.", "Sing or hum it slowly to get it in your ear."])
    q, out = music_task()
    return q, "", out, "music theory"




# ------------------------------------------------------------------------------------------------ computed rows per topic
def clock(minutes):
    h, m = divmod(int(minutes) % 1440, 60)
    return f"{(h - 1) % 12 + 1}:{m:02d} {'am' if h < 12 else 'pm'}"


def day(d):
    return f"{d:%B} {d.day}"


CUP = [("all-purpose flour", 125, "g", ("Flour varies with how you fill the cup: spooned and levelled is about 125 g, "
        "scooped can be 150 g.")), ("granulated sugar", 200, "g", ""), ("packed brown sugar", 220, "g", ""),
       ("butter", 227, "g", "A US stick of butter is half a cup, about 113 g."), ("milk", 240, "ml", ""),
       ("rolled oats", 90, "g", ""), ("honey", 340, "g", "Oil the cup first and the honey slides right out."),
       ("uncooked white rice", 185, "g", "")]


def cook_convert():
    ing, per, unit, note = pick(CUP)
    q = pick([Fraction(1, 4), Fraction(1, 3), Fraction(1, 2), Fraction(2, 3), Fraction(3, 4), Fraction(1),
              Fraction(3, 2), Fraction(2), Fraction(5, 2), Fraction(3)])
    pl, uw = "s" if q > 1 else "", {"g": "grams", "ml": "millilitres"}[unit]
    instr = pick(["How many {uw} is {q} cup{pl} of {i}?", "Convert {q} cup{pl} of {i} to {uw}.",
                  "My recipe says {q} cup{pl} of {i}. What's that in {uw}?"]).format(uw=uw, q=frac(q), pl=pl, i=ing)
    out = f"{frac(q)} cup{pl} of {ing} is about {round(float(q) * per)} {unit}, based on roughly {per} {unit} per US cup."
    return instr, "", out + (" " + note if note and chance(0.7) else ""), ing


def cook_oven():
    f = pick([300, 325, 350, 375, 400, 425, 450])
    c = (f - 32) * 5 / 9
    c5, gas = 5 * round(c / 5), {300: 2, 325: 3, 350: 4, 375: 5, 400: 6, 425: 7, 450: 8}[f]
    dish = pick(["banana bread", "a sheet cake", "roast potatoes", "cookies", "lasagne", "granola", "a casserole",
                 "muffins", "a pie", "roasted vegetables"])
    instr = pick([f"My recipe for {dish} says {f}°F. What is that in Celsius?", f"What's {f}°F in °C for a fan oven?",
                  f"Convert {f}°F to Celsius and gas mark, please. It's for {dish}."])
    steps = [f"°C = (°F − 32) × 5/9 = ({f} − 32) × 5/9 ≈ {c:.1f}°C, which recipes round to {c5}°C.",
             f"In a fan (convection) oven, drop it by about 20°C, to {c5 - 20}°C.", f"On a gas oven that's gas mark {gas}."]
    return instr, "", " ".join([steps[0]] + some(steps[1:], RNG.randint(1, 2))), dish


def cook_roast():
    kg = RNG.randrange(12, 27) / 10
    mins = round(kg * 2 * 20 + 10)
    eat = RNG.randrange(17 * 60, 21 * 60 + 1, 15)
    start = eat - 15 - mins
    instr = pick([f"I have a {kg} kg chicken and want to eat at {clock(eat)}. When should it go in the oven?",
                  f"How long do I roast a {kg} kg chicken? Dinner is at {clock(eat)}."])
    steps = [f"At 220°C (425°F), allow about 20 minutes per 500 g plus 10: {kg * 2:g} × 20 + 10 = {mins} minutes.",
             "Add 15 minutes of resting time before carving.",
             f"So it should go in by about {clock(start)}, and come out of the fridge around {clock(start - 40)}.",
             "Check the thickest part of the thigh reads 74°C (165°F) before you take it out."]
    return instr, "", as_steps(steps), "roast chicken"


SCALE = [("pancakes", 4, "Cook in batches rather than crowding the pan.", [(200, "g", "flour"), (2, "tsp", "baking powder"), (1, "tbsp", "sugar"), (250, "ml", "milk"),
                          (1, "", "egg"), (2, "tbsp", "melted butter")]),
         ("focaccia", 8, "Use a tin that keeps the dough about the same thickness and the baking time won't change.", [(500, "g", "bread flour"), (400, "ml", "lukewarm water"), (7, "g", "instant yeast"),
                          (10, "g", "salt"), (4, "tbsp", "olive oil")]),
         ("red lentil soup", 4, "The simmering time stays about the same; you just need a bigger pot.", [(200, "g", "red lentils"), (1000, "ml", "stock"), (1, "", "onion"), (1, "", "carrot"),
                                 (1, "tsp", "ground cumin")]),
         ("banana bread", 8, "Bake it in two tins rather than one deep one, so the timing stays about the same.", [(3, "", "ripe bananas"), (75, "g", "butter"), (150, "g", "sugar"), (1, "", "egg"),
                              (190, "g", "flour"), (1, "tsp", "baking soda")])]


def cook_scale():
    name, serves, note, items = pick(SCALE)
    target = pick([n for n in (2, 3, 6, 8, 10, 12, 16) if n != serves])
    fac = Fraction(target, serves)
    out = []
    for q, unit, ing in items:
        v = q * fac
        if unit in ("g", "ml"):
            shown = f"{5 * round(float(v) / 5) if v > 50 else num(float(v), 1)} {unit}"
        else:
            shown = frac(Fraction(v).limit_denominator(2)) + (f" {unit}" if unit else "")
        out.append(f"- {shown} {ing}")
    instr = pick([f"My {name} recipe serves {serves}. Scale it for {target} people:",
                  f"Can you scale this {name} recipe from {serves} servings to {target}?"])
    inp = "\n".join(f"- {q} {unit} {ing}".replace("  ", " ") for q, unit, ing in items)
    if any(ing == "egg" for _, _, ing in items) and (fac % 1):
        note += " For part of an egg, beat one and measure out what you need."
    return instr, inp, f"Multiply everything by {frac(fac)}:\n\n" + "\n".join(out) + "\n\n" + note, name


DNA = {"A": "T", "T": "A", "G": "C", "C": "G"}
CODONS = {"UUU": "Phe", "UUC": "Phe", "GGC": "Gly", "GGA": "Gly", "GCU": "Ala", "GCC": "Ala", "AAA": "Lys",
          "AAG": "Lys", "GAA": "Glu", "GAU": "Asp", "UGG": "Trp", "CAU": "His", "UCU": "Ser", "CCU": "Pro",
          "ACU": "Thr", "GUU": "Val", "CUG": "Leu", "AUU": "Ile", "UGU": "Cys", "CGU": "Arg", "AAU": "Asn",
          "CAA": "Gln", "UAU": "Tyr"}


def bio_dna():
    kind = pick(["complement", "transcribe", "translate"])
    if kind == "translate":
        cods = ["AUG"] + [pick(list(CODONS)) for _ in range(RNG.randint(3, 6))] + [pick(["UAA", "UAG", "UGA"])]
        aa = ["Met"] + [CODONS[c] for c in cods[1:-1]]
        instr = pick(["Translate this mRNA into a sequence of amino acids:", "What polypeptide does this mRNA code for?"])
        out = (f"Reading in codons from the start codon: {' '.join(cods)}.\n\nThat gives {'-'.join(aa)}, and "
               f"{cods[-1]} is a stop codon, so translation ends there.")
        return instr, "5'-" + "".join(cods) + "-3'", out, "genetics"
    seq = "".join(pick("ATGC") for _ in range(RNG.randint(12, 21)))
    comp = "".join(DNA[b] for b in seq)
    if kind == "complement":
        instr = pick(["Write the complementary DNA strand for 5'-{s}-3'.", "What is the complement of 5'-{s}-3'?"])
        out = (f"3'-{comp}-5'\n\nA pairs with T and G pairs with C, and the new strand runs antiparallel. Written "
               f"5' to 3', it reads {comp[::-1]}.")
        return instr.format(s=seq), "", out, "genetics"
    instr = pick(["Transcribe this coding strand into mRNA: 5'-{s}-3'.",
                  "What mRNA is made from a gene whose coding strand is 5'-{s}-3'?"])
    out = (f"mRNA: 5'-{seq.replace('T', 'U')}-3'\n\nThe mRNA has the same sequence as the coding strand, with uracil (U) "
           f"in place of thymine (T), because RNA polymerase reads the template strand, 3'-{comp}-5'.")
    return instr.format(s=seq), "", out, "genetics"


TRAITS = [("pea plant height", "T", "tall", "short"), ("pea seed colour", "Y", "yellow", "green"),
          ("flower colour in pea plants", "P", "purple", "white"), ("guinea pig coat colour", "B", "black", "white"),
          ("pea seed shape", "R", "round", "wrinkled")]


def bio_punnett():
    trait, big, dom, rec = pick(TRAITS)
    small = big.lower()
    g1, g2 = pick([big + big, big + small, small + small]), pick([big + small, small + small, big + small])
    kids = ["".join(sorted(a + b)) for a in g1 for b in g2]
    counts = {g: kids.count(g) for g in sorted(set(kids))}
    n_dom = sum(c for g, c in counts.items() if big in g)
    grid = f"      {g2[0]}    {g2[1]}\n{g1[0]}   {kids[0]}   {kids[1]}\n{g1[1]}   {kids[2]}   {kids[3]}"
    instr = pick([(f"In {trait}, {dom} ({big}) is dominant over {rec} ({small}). What offspring do you expect from a "
                  f"{g1} × {g2} cross?"), f"Draw a Punnett square for {g1} × {g2}, where {big} = {dom} and {small} = {rec}."])
    out = (f"```\n{grid}\n```\n\nGenotypes: " + ", ".join(f"{c}/4 {g}" for g, c in counts.items()) +
           f". Phenotypes: {n_dom}/4 {dom}" + (f" and {4 - n_dom}/4 {rec}." if n_dom < 4 else ".") +
           (" This is a test cross, which reveals whether the dominant parent is a carrier." if "".join(sorted(g2)) ==
            small * 2 and g1 != small * 2 else ""))
    return instr, "", out, "genetics"


def bio_hw():
    q = pick([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
    what = pick(["plants have white flowers (the recessive trait)", ("fruit flies have the recessive vestigial-wing "
                 "phenotype"), "mice show a recessive coat colour"])
    instr = (f"In a population, {q * q * 100:.0f}% of the {what}. Assuming Hardy-Weinberg equilibrium, what are the "
             "allele frequencies and the share of carriers?")
    steps = [f"q² = {q * q:.2f}, so q = √{q * q:.2f} = {q}.", f"p = 1 − q = {1 - q:.1f}.",
             (f"Carriers (heterozygotes) = 2pq = 2 × {1 - q:.1f} × {q} = {2 * q * (1 - q):.2f}, about "
             f"{2 * q * (1 - q) * 100:.0f}% of the population.")]
    return calc((instr, steps, f"p = {1 - q:.1f}, q = {q}, carriers ≈ {2 * q * (1 - q) * 100:.0f}%"))[:3] + ("genetics",)


def hist_order():
    evs = RNG.sample(EVENTS, RNG.randint(4, 6))
    shown = sorted(evs)
    instr = pick(["Put these events in chronological order:", "Order these from earliest to latest:",
                  "Which came first? Sort these events by date:"])
    out = "\n".join(f"{i}. {y}: {e}" for i, (y, e, _) in enumerate(shown, 1))
    gaps = [(b[0] - a[0], a, b) for a, b in itertools.pairwise(shown)]
    g, a, b = max(gaps)
    out += f"\n\nThe longest gap is the {g} years between {a[0]} and {b[0]}."
    return instr, "\n".join(f"- {cap(e)}" for _, e, _ in evs), out, "history"


def hist_year():
    i = RNG.randrange(len(EVENTS))
    y, ev, det = EVENTS[i]
    instr = pick([f"What happened in {y}?", f"Why is {y} a famous year?", (f"Name a major event from {y} and why it "
                  "mattered."), f"What is {y} remembered for?"])
    out = f"In {y}, {ev}. {det}"
    if i and chance(0.6):
        py, pev, _ = EVENTS[i - 1]
        out += f" For context, that was {y - py} years after {pev} ({py})."
    return instr, "", out, "history"


def hist_gap():
    (y1, e1, _), (y2, e2, _) = sorted(RNG.sample(EVENTS, 2))
    instr = pick([f"How many years apart were these: {e2}, and {e1}?", f"Years between these two events: {e1}; {e2}.",
                  f"How much time passed between these two? {cap(e1)}. {cap(e2)}."])
    return instr, "", f"{cap(e1)} in {y1}, and {e2} in {y2}: {y2 - y1} years apart.", "history"


def garden_calc():
    crop, kind, wk, sp, (lo, hi), note = pick(CROPS)
    r = RNG.random()
    if r < 0.4:
        frost = dt.date(2025, 3, 20) + dt.timedelta(days=RNG.randint(0, 66))
        start = frost + dt.timedelta(weeks=wk)
        verb = "start" if kind == "indoors" else "sow"
        instr = pick([f"My last frost date is around {day(frost)}. When should I {verb} {crop}?",
                      f"When do I {verb} {crop} if our average last frost is {day(frost)}?"])
        when = f"{abs(wk)} week{'s' if abs(wk) > 1 else ''} {'before' if wk < 0 else 'after'} your last frost"
        out = (f"{cap(verb)} {crop} {'indoors ' if kind == 'indoors' else 'outdoors '}about {when}, so around "
               f"{day(start)}. {note}")
        return instr, "", out, crop
    if r < 0.7:
        plant = dt.date(2025, 4, 10) + dt.timedelta(days=RNG.randint(0, 60))
        verb = "plant out" if kind == "indoors" else "sow"
        instr = f"If I {verb} {crop} on {day(plant)}, roughly when can I start harvesting?"
        out = (f"{cap(crop)} usually take {lo} to {hi} days from {'transplanting' if kind == 'indoors' else 'sowing'}, "
               f"so expect the first harvest between about {day(plant + dt.timedelta(days=lo))} and "
               f"{day(plant + dt.timedelta(days=hi))}. Cool weather pushes it toward the later date.")
        return instr, "", out, crop
    length, width = pick([(1.2, 2.4), (1.0, 2.0), (0.9, 1.8), (1.2, 3.0), (0.6, 1.2)])
    per = int(length * 100 // sp) * int(width * 100 // sp)
    instr = f"How many {crop} can I fit in a {length} m by {width} m raised bed?"
    out = (f"{cap(crop)} want about {sp} cm between plants. That's {int(length * 100 // sp)} across by "
           f"{int(width * 100 // sp)} along, so roughly {per} plant{'s' if per != 1 else ''}."
           + (" Staggering the rows lets you squeeze in a few more." if per > 4 else " Give it the whole bed."))
    return instr, "", out, crop


def fit_calc():
    r = RNG.random()
    age = RNG.randint(18, 65)
    if r < 0.25:
        mx = 220 - age
        instr = pick([f"I'm {age}. What heart rate should I aim for in zone 2?",
                      f"What are my training heart rate zones at age {age}?"])
        steps = [(f"Estimated max heart rate: 220 − {age} = {mx} bpm (the formula 208 − 0.7 × age gives "
                 f"{round(208 - 0.7 * age)})."), (f"Zone 2, easy aerobic work, is about 60-70% of max: {round(mx * .6)}-"
                 f"{round(mx * .7)} bpm."), f"Threshold work sits around 80-90%: {round(mx * .8)}-{round(mx * .9)} bpm.",
                 "These are population averages; a lab or field test gives a better number for you."]
        return instr, "", as_steps(steps), "fitness"
    if r < 0.5:
        dist, name, lo, hi = pick([(5, "5K", 20, 40), (10, "10K", 42, 75), (21.0975, "half marathon", 95, 150),
                                   (42.195, "marathon", 200, 330)])
        t = RNG.randint(lo, hi)
        pk = t / dist
        instr = pick([f"I want to run a {name} in {t // 60}:{t % 60:02d}:00. What pace is that?" if t >= 60 else
                      f"What pace do I need for a {t}-minute {name}?",
                      f"Goal: {name} in {t} minutes. Pace per km and per mile?"])
        mi = pk * 1.609344
        out = (f"{t} minutes over {dist:g} km is {int(pk)}:{round((pk % 1) * 60):02d} per km, or about "
               f"{int(mi)}:{round((mi % 1) * 60):02d} per mile. " +
               pick(["Practise that pace in shorter tempo runs.", "Start slightly slower and pick it up in the second half.",
                     "Most of your weekly running should still be easy."])).replace(":60", ":59")
        return instr, "", out, "running"
    if r < 0.7:
        w, reps = RNG.randrange(30, 181, 5), RNG.randint(3, 10)
        lift = pick(["bench press", "squat", "deadlift", "overhead press"])
        orm = w * (1 + reps / 30)
        instr = f"I did {num(w)} kg for {reps} reps on {lift}. What's my estimated one-rep max?"
        out = (f"Using the Epley formula, 1RM ≈ weight × (1 + reps / 30) = {num(w)} × (1 + {reps}/30) ≈ {orm:.0f} kg. "
               "Estimates get less reliable above about 10 reps, so treat it as a ballpark.")
        return instr, "", out, "strength training"
    kg, cm, sex = RNG.randint(50, 110), RNG.randint(155, 195), pick(["man", "woman"])
    act, fac = pick([("mostly sitting", 1.2), ("lightly active", 1.375), ("moderately active", 1.55),
                     ("very active", 1.725)])
    bmr = 10 * kg + 6.25 * cm - 5 * age + (5 if sex == "man" else -161)
    instr = f"I'm a {age}-year-old {sex}, {cm} cm and {kg} kg, and {act}. Roughly how many calories do I burn a day?"
    steps = [(f"Mifflin-St Jeor BMR: 10 × {kg} + 6.25 × {cm} − 5 × {age} {'+ 5' if sex == 'man' else '− 161'} ≈ "
             f"{bmr:.0f} kcal."), f"Multiply by an activity factor of {fac}: about {bmr * fac:.0f} kcal a day.",
             f"A protein target of 1.6 g/kg would be about {round(kg * 1.6)} g a day."]
    return instr, "", as_steps(steps[:RNG.randint(2, 3)]), "nutrition"


CITIES_TZ = [("London", 0), ("New York", -5), ("Tokyo", 9), ("Dubai", 4), ("Singapore", 8), ("Los Angeles", -8),
             ("Berlin", 1), ("Sydney", 10), ("Mexico City", -6), ("Mumbai", 5.5)]


def travel_calc():
    r = RNG.random()
    if r < 0.45:
        (a, ta), (b, tb) = RNG.sample(CITIES_TZ, 2)
        dep, dur = RNG.randrange(6 * 60, 23 * 60, 5), RNG.randrange(90, 15 * 60, 5)
        arr = dep + dur + round((tb - ta) * 60)
        shift = "the same day" if 0 <= arr < 1440 else "the next day" if arr >= 1440 else "the previous day"
        instr = (f"My flight leaves {a} at {clock(dep)} local time and takes {dur // 60}h {dur % 60:02d}m. {b} is "
                 f"{abs(tb - ta):g} hour{'s' if abs(tb - ta) != 1 else ''} {'ahead of' if tb > ta else 'behind'} {a}. "
                 "What time do I land?")
        steps = [f"Arrival in {a} time: {clock(dep)} + {dur // 60}h {dur % 60:02d}m = {clock(dep + dur)}.",
                 f"Shift by {tb - ta:+g} hours to {b} time: {clock(arr)}, {shift}."]
        return calc((instr, steps, f"{clock(arr)} local time, {shift}"), prefixes=("",), suffixes=("",))[:3] + ("travel",)
    if r < 0.75:
        budget, nights = RNG.randrange(800, 5001, 100), RNG.randint(3, 14)
        hotel = RNG.randrange(40, 221, 5)
        left = budget - hotel * nights
        city = pick(TRAVEL_CITIES)[0]
        instr = f"I have ${budget:,} for {nights} nights in {city}, and the hotel is ${hotel} a night. What's my daily budget?"
        if left <= 0:
            return instr, "", (f"The hotel alone is {nights} × {money(hotel)} = {money(hotel * nights)}, which is more "
                               "than your whole budget. Look for cheaper accommodation or shorten the trip."), city
        out = (f"Accommodation: {nights} × {money(hotel)} = {money(hotel * nights)}. That leaves {money(left)}, or "
               f"about {money(left / nights)} a day for food, transport and activities. Keep 10% aside for surprises.")
        return instr, "", out, city
    cur, rate = pick([("euros", 1.08), ("pounds", 1.27), ("Swiss francs", 1.13), ("Canadian dollars", 0.73),
                      ("Japanese yen", 0.0067)])
    amt = RNG.randrange(50, 2001, 25) * (150 if cur == "Japanese yen" else 1)
    fee = pick([0, 3])
    instr = (f"How much is {amt:,} {cur} in US dollars if the rate is 1 = {rate} USD" +
             (f" and my card adds a {fee}% fee?" if fee else "?"))
    base = amt * rate
    out = f"{amt:,} × {rate} = {money(base)}." + (f" With the {fee}% fee: {money(base)} × 1.0{fee} = "
                                                  f"{money(base * (1 + fee / 100))}." if fee else "")
    return instr, "", out, "travel"


def phys_power():
    watts, hours, price = pick([60, 100, 800, 1200, 1500, 2000, 2500]), pick([1, 2, 3, 4, 6, 8]), pick([0.15, 0.22, 0.3])
    thing = {60: "a lamp", 100: "a TV", 800: "a microwave", 1200: "a dehumidifier", 1500: "a space heater",
             2000: "an electric heater", 2500: "a tumble dryer"}[watts]
    kwh = watts * hours * 30 / 1000
    return ((f"How much does it cost to run {thing} rated at {watts} W for {hours} hour{'s' if hours > 1 else ''} a day for 30 days, at "
            f"${price} per kWh?"), [f"Energy per day: {watts} W × {hours} h = {watts * hours / 1000:g} kWh.",
                                    f"Over 30 days: {kwh:g} kWh.", f"Cost: {kwh:g} × {money(price)} = {money(kwh * price)}."],
            money(kwh * price))


def phys_density():
    m, v = RNG.randint(20, 900), RNG.randint(20, 600)
    rho = m / v
    return (f"A block has a mass of {m} g and a volume of {v} cm³. What is its density, and will it float in water?",
            [f"Density = mass / volume = {m} / {v} ≈ {rho:.2f} g/cm³.",
             "Water's density is about 1.00 g/cm³." if chance(0.5) else "Fresh water is 1 g/cm³.",
             "It's less dense than water, so it floats." if rho < 1 else "It's denser than water, so it sinks."],
            f"{rho:.2f} g/cm³; {'floats' if rho < 1 else 'sinks'}")


def phys_force():
    m, a = pick([2, 5, 12, 60, 80, 1200, 1500]), pick([0.5, 1.5, 2, 3, 4.2])
    return ((f"What net force is needed to accelerate a {m} kg {pick(['object', 'cart', 'box'] if m < 100 else ['car', 'boat'])} "
            f"at {a} m/s²?"), ["Newton's second law: F = ma.", f"F = {m} × {a} = {num(m * a, 1)} N."], f"{num(m * a, 1)} N")


SNIPPETS = [
    ("nums = {L}\nprint(nums[{a}:{b}])\nprint(nums[-2:])\nprint(nums[::2])",
     ("`nums[{a}:{b}]` takes items from index {a} up to, but not including, index {b}. `[-2:]` is the last two items, "
     "and `[::2]` takes every second item from the start.")),
    ("nums = {L}\nprint(nums[::-1])\nprint(nums[{a}])\nprint(len(nums[{b}:]))",
     "`[::-1]` is a reversed copy, `nums[{a}]` is a single item, and `nums[{b}:]` is everything from index {b} on."),
    ("a = {L}\nb = a\nb.append({x})\nc = a[:]\nc.append({y})\nprint(a)\nprint(c)",
     ("`b = a` makes a second name for the same list, so appending through `b` changes `a` too. `a[:]` makes a "
     "copy, so appending to `c` leaves `a` alone.")),
    ("words = {W}\nprint([w.upper() for w in words if len(w) > {k}])\nprint({{w: len(w) for w in words}})",
     ("The list comprehension keeps words longer than {k} characters and upper-cases them. The dict comprehension "
     "maps each word to its length.")),
    ("counts = {{}}\nfor ch in \"{S}\":\n    counts[ch] = counts.get(ch, 0) + 1\nprint(counts)",
     ("`counts.get(ch, 0)` returns 0 the first time a character is seen, so the loop tallies each letter. Dicts keep "
     "insertion order, so letters appear in the order they first occur.")),
    ("print({x} // {k}, {x} % {k})\nprint(-{x} // {k})\nprint(divmod({y}, {k}))",
     ("`//` is floor division and `%` is the remainder. Floor division rounds toward negative infinity, which is why "
     "the negative case differs from simply negating the result. `divmod` returns both at once.")),
    ("def add(item, bucket=[]):\n    bucket.append(item)\n    return bucket\n\nprint(add({x}))\nprint(add({y}))",
     ("The default list is created once, when the function is defined, so the second call appends to the same list. "
     "Use `bucket=None` and create the list inside the function to avoid this.")),
    ("s = \"{T}\"\nprint(s.split())\nprint(s.title())\nprint(s.count(\"{c}\"))",
     ("`split()` breaks on whitespace, `title()` capitalizes each word, and `count` counts non-overlapping "
     "occurrences of the substring.")),
    ("xs = {L}\nys = sorted(xs, reverse=True)\nxs.sort()\nprint(xs[:{k}], ys[:{k}])\nprint(sum(xs) / len(xs))",
     ("`sorted` returns a new list, while `.sort()` sorts in place and returns None. The last line prints the mean "
     "as a float, since `/` always returns a float in Python 3.")),
]
WORDS = ["apple", "kiwi", "banana", "fig", "cherry", "plum", "mango", "date", "lime", "grape", "pear", "melon"]
PHRASES = ["the quick brown fox", "data science is fun", "hello from the other side", "a bird in the hand",
           "to be or not to be", "keep calm and carry on", "practice makes perfect"]


def py_snippet():
    code_t, why = pick(SNIPPETS)
    n = RNG.randint(5, 8)
    a = RNG.randint(0, 2)
    vals = {"L": str([RNG.randint(0, 30) for _ in range(n)]), "a": a, "b": RNG.randint(a + 2, n), "x": RNG.randint(7, 40),
                "y": RNG.randint(3, 40), "k": RNG.randint(2, 5), "W": str(RNG.sample(WORDS, RNG.randint(3, 5))),
                "S": pick(["banana", "mississippi", "bookkeeper", "abracadabra", "committee", "balloon"]),
                "T": pick(PHRASES), "c": pick("aeo")}
    code = code_t.format(**vals)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(code, {})  # noqa: S102 - our own generated snippet
    instr = pick(["What does this code print?", "What's the output of this Python snippet, and why?",
                  "Can you explain what this prints?", "Predict the output:"])
    out = "It prints:\n\n```\n" + buf.getvalue().rstrip() + "\n```\n\n" + why.format(**vals)
    return instr, "```python\n" + code + "\n```", out, "Python programming"


TABLES = [("sales", "region", "rep", "amount", ["North", "South", "East", "West"], ["Ana", "Ben", "Chen", "Dara", "Eli"],
           (100, 900)),
          ("scores", "team", "player", "points", ["Red", "Blue", "Green"], ["Ivy", "Jude", "Kai", "Lena", "Milo"], (0, 40)),
          ("expenses", "category", "employee", "cost", ["travel", "meals", "software"], ["Omar", "Pia", "Quinn", "Rui"],
           (10, 500)),
          ("readings", "city", "station", "temp_c", ["Oslo", "Lyon", "Porto"], ["S1", "S2", "S3", "S4"], (-5, 30))]


def sql_run():
    t, g, p, v, gs, ps, (lo, hi) = pick(TABLES)
    data = [(pick(gs), pick(ps), RNG.randint(lo, hi)) for _ in range(RNG.randint(5, 8))]
    x = RNG.randint(lo, hi)
    q, why = pick([(f"SELECT {g}, SUM({v}) AS total\nFROM {t}\nGROUP BY {g}\nORDER BY total DESC, {g};",
                    f"It adds up {v} for each {g} and sorts the groups from highest total to lowest, ties by {g}."),
                   (f"SELECT {p}, COUNT(*) AS n\nFROM {t}\nWHERE {v} > {x}\nGROUP BY {p}\nORDER BY {p};",
                    (f"WHERE first keeps rows with {v} above {x}; then it counts the remaining rows per {p}. "
                    f"{cap(a_an(p))} with no qualifying rows doesn't appear at all.")),
                   (f"SELECT MAX({v}) AS hi, MIN({v}) AS lo, ROUND(AVG({v}), 2) AS avg\nFROM {t};",
                    "With no GROUP BY, the aggregates run over the whole table and return a single row."),
                   (f"SELECT {g}, COUNT(*) AS n\nFROM {t}\nGROUP BY {g}\nHAVING COUNT(*) >= 2\nORDER BY n DESC, {g};",
                    "HAVING filters after grouping, so only groups with at least two rows survive."),
                   (f"SELECT {p}, {v}\nFROM {t}\nORDER BY {v} DESC, {p}\nLIMIT 3;",
                    f"It sorts all rows by {v}, highest first (ties broken by {p}), and keeps the top three.")])
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE TABLE {t} ({g} TEXT, {p} TEXT, {v} INTEGER)")
    db.executemany(f"INSERT INTO {t} VALUES (?, ?, ?)", data)
    cur = db.execute(q)
    cols, res = [c[0] for c in cur.description], cur.fetchall()
    db.close()

    def table(header, rows_):
        return "\n".join([" | ".join(header), " | ".join("---" for _ in header)] +
                         [" | ".join(str(c) for c in r) for r in rows_])
    inp = f"Table `{t}`:\n\n{table([g, p, v], data)}\n\nQuery:\n```sql\n{q}\n```"
    out = (table(cols, res) if res else "(no rows)") + "\n\n" + why
    return pick(["What does this query return?", "Given this table, what is the result of the query?",
                 "Work out the output of this SQL query."]), inp, out, "SQL"


def write_email():
    kind = pick(list(EMAILS))
    asks, subjects, opens, mids, closes = EMAILS[kind]
    slots = {k: pick(v) for k, v in EMAIL_SLOTS.items()}
    slots.update({k.capitalize(): cap(v) for k, v in list(slots.items())})
    name = slots["name"]
    body = [pick(opens), mids[0]] + some(mids[1:], RNG.randint(0, 1)) + [pick(closes)]
    sender = pick(["Jess", "Arun", "Mia", "Tomás", "Hana", "Leo"])
    text = (f"Subject: {pick(subjects)}\n\n{pick(['Hi', 'Dear', 'Hello'])} {name},\n\n" + " ".join(body) +
            f"\n\n{pick(['Best', 'Thanks', 'Kind regards', 'Best wishes'])},\n{sender}")
    return pick(asks).format(**slots), "", text.format(**slots), "email writing"
