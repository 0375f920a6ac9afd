# Copyright the mixmap authors. Licensed under the Apache License, Version 2.0.
"""Hand-written text fragments for make_sample.py. All of it was written for mixmap, not copied from a dataset.

Fact entries are (subject, [extra questions], text) with one sentence per line of text; make_sample keeps
the first sentence and a random, ordered subset of the rest.
"""


def lines(text):
    return [ln.strip() for ln in text.strip().splitlines() if ln.strip()]


# ------------------------------------------------------------------------------------------------ cooking
RECIPES = [
    ("risotto", """
Warm the stock in a separate pot and keep it at a bare simmer.
Sweat a finely chopped onion in butter until soft but not browned.
Toast the arborio rice for about two minutes, until the edges turn translucent.
Add a splash of white wine and stir until it is absorbed.
Add the stock a ladle at a time, stirring often, for 18 to 20 minutes.
Take it off the heat, beat in cold butter and grated parmesan, and let it rest for two minutes."""),
    ("fluffy pancakes", """
Whisk 200 g flour, 2 teaspoons baking powder, a tablespoon of sugar and a pinch of salt.
In another bowl, whisk 250 ml milk, one egg and 2 tablespoons of melted butter.
Pour the wet ingredients into the dry and stir only until no dry flour remains; a few lumps are fine.
Let the batter rest for 10 minutes while the pan heats over medium heat.
Cook about 60 ml of batter per pancake until bubbles form and the edges look set, then flip.
Keep finished pancakes warm in a low oven while you cook the rest."""),
    ("banana bread", """
Heat the oven to 175°C (350°F) and grease a loaf tin.
Mash three very ripe bananas with 75 g melted butter.
Stir in 150 g sugar, one egg, a teaspoon of vanilla and a teaspoon of baking soda.
Fold in 190 g flour and a pinch of salt until just combined.
Bake for 55 to 65 minutes, until a skewer in the centre comes out clean.
Cool in the tin for 10 minutes before turning it out."""),
    ("a simple roast chicken", """
Take the chicken out of the fridge 30 to 45 minutes before cooking and pat it completely dry.
Salt it generously inside and out, and put a halved lemon and a few garlic cloves in the cavity.
Roast at 220°C (425°F) for about 20 minutes per 500 g, plus 10 minutes.
Check that the thickest part of the thigh reads 74°C (165°F).
Rest it for 15 minutes before carving so the juices settle."""),
    ("a vegetable stir-fry", """
Cut all the vegetables into similar bite-sized pieces so they cook evenly.
Mix a quick sauce of soy sauce, a little sugar, rice vinegar and a teaspoon of cornstarch in water.
Heat the wok until very hot, then add a high smoke point oil.
Cook hard vegetables like carrots and broccoli first, then softer ones like peppers and snow peas.
Add garlic and ginger for the last 30 seconds so they don't burn.
Pour in the sauce and toss until it thickens and coats everything."""),
    ("a basic tomato sauce", """
Warm a few tablespoons of olive oil and gently cook sliced garlic until fragrant but not brown.
Add a can of whole peeled tomatoes and crush them with a spoon.
Season with salt and a pinch of chilli flakes if you like heat.
Simmer uncovered for 20 to 30 minutes until thickened.
Finish with torn basil and a knob of butter or a splash of good olive oil."""),
    ("hummus", """
Drain a can of chickpeas, keeping the liquid.
Blend the chickpeas with 3 tablespoons of tahini, the juice of a lemon, one garlic clove and a pinch of salt.
With the blender running, add ice water or chickpea liquid a spoonful at a time until smooth and pale.
Taste and adjust with more lemon or salt.
Serve with olive oil, a pinch of paprika or cumin, and warm flatbread."""),
    ("a French omelette", """
Beat three eggs with a pinch of salt until completely uniform.
Melt a tablespoon of butter in a nonstick pan over medium heat until it foams.
Add the eggs and stir constantly with a spatula while shaking the pan, so you get small, soft curds.
When the eggs are set but still slightly wet on top, stop stirring and let the bottom set for a few seconds.
Roll the omelette toward the edge of the pan and tip it onto the plate seam side down."""),
    ("chili con carne", """
Brown 500 g of minced beef in batches so it sears rather than steams.
Soften a chopped onion, a pepper and some garlic in the same pot.
Stir in chilli powder, cumin, smoked paprika and oregano and cook for a minute.
Add tomato paste, a can of chopped tomatoes, a can of kidney beans and a splash of stock.
Simmer gently for at least 45 minutes, stirring now and then.
Adjust the seasoning and finish with a squeeze of lime."""),
    ("focaccia", """
Mix 500 g bread flour, 400 ml lukewarm water, 7 g instant yeast and 10 g salt into a shaggy dough.
Cover and let it rise for about two hours, doing a few sets of stretch and folds in the first hour.
Pour plenty of olive oil into a baking tin and stretch the dough to fill it.
Let it rise again until puffy, then dimple it deeply with oiled fingers.
Top with flaky salt and rosemary and bake at 230°C (450°F) for 20 to 25 minutes until golden."""),
    ("red lentil soup", """
Soften an onion, a carrot and a stick of celery in olive oil.
Add garlic, a teaspoon of cumin and a pinch of chilli and cook for a minute.
Stir in 200 g rinsed red lentils and about a litre of stock.
Simmer for 20 minutes, until the lentils fall apart.
Blend partly or fully, then finish with lemon juice and salt to taste."""),
    ("guacamole", """
Halve and pit two ripe avocados and scoop them into a bowl.
Mash with a fork, leaving some texture.
Add finely chopped onion, chopped coriander, a little minced chilli and the juice of a lime.
Season well with salt; it usually needs more lime and salt than you expect.
Press plastic wrap directly onto the surface if you aren't serving it right away."""),
]

COOK_SUBS = [
    ("eggs", ["How do I bake a cake without eggs?"], """
For binding in cakes and muffins, one tablespoon of ground flaxseed mixed with three tablespoons of water replaces one egg after it sits for five minutes.
A quarter cup of mashed banana or applesauce also works, though it adds flavour and makes the crumb denser.
For recipes that rely on eggs for lift, like sponge cake, substitutes rarely work well.
Commercial egg replacers based on starch are the most neutral option.
Aquafaba, the liquid from a can of chickpeas, can be whipped like egg whites for meringues."""),
    ("buttermilk", ["My pancake recipe calls for buttermilk and I don't have any."], """
Stir one tablespoon of lemon juice or white vinegar into a cup of regular milk and let it stand for 5 to 10 minutes.
It will thicken slightly and curdle, which is what you want.
Plain yogurt or kefir thinned with a little milk also works well.
The acidity matters because it reacts with baking soda to make the batter rise."""),
    ("butter", [], """
In most baking you can replace butter with a neutral oil, using about a fifth less, since butter is roughly 80 percent fat.
The texture will be more tender and less flaky, so it works best in muffins and quick breads rather than pastry.
For sautéing, olive oil is the obvious swap.
Plant-based butter blocks behave closest to dairy butter in cookies and pastry.
Coconut oil works too, but it adds flavour unless you buy the refined kind."""),
    ("fresh herbs", ["Can I use dried herbs instead of fresh?"], """
Use about one third as much dried herb as fresh, since drying concentrates the flavour.
Add dried herbs early in cooking so they have time to rehydrate, and fresh ones near the end.
Delicate herbs like basil, coriander and parsley lose most of their character when dried, so a different fresh herb is often a better substitute.
Hardy herbs like thyme, oregano and rosemary dry well."""),
    ("heavy cream", [], """
For sauces and soups, whole milk thickened with a little flour or cornstarch gets you close.
Evaporated milk is a decent swap in most cooked dishes.
For a dairy-free option, full-fat coconut milk or blended soaked cashews work well.
None of these will whip, so for whipped cream you need real cream or chilled coconut cream."""),
    ("white wine", ["What can I use instead of wine in risotto?"], """
Chicken or vegetable stock with a squeeze of lemon or a splash of white wine vinegar is the closest substitute.
The acid replaces the brightness the wine would add.
Dry vermouth keeps for months once opened and can stand in for white wine.
Avoid supermarket cooking wine, which is heavily salted."""),
    ("cornstarch", [], """
Use twice as much plain flour as the cornstarch called for, and cook it a few minutes longer so it loses the raw taste.
Arrowroot and potato starch can be swapped one for one and give a clear, glossy finish.
Arrowroot doesn't hold up well to long boiling or to dairy, so add it at the end.
Tapioca starch works well in fruit pie fillings."""),
    ("brown sugar", [], """
Mix one cup of white sugar with one to two tablespoons of molasses for light or dark brown sugar.
Without molasses, plain white sugar works, but cookies will be crisper and less chewy.
Coconut sugar is a one-to-one swap with a slightly caramel flavour.
Honey or maple syrup can work, but reduce the other liquid in the recipe."""),
]

COOK_FIX = [
    ("my cookies spread too much", [], """
Butter that is too soft or melted is the usual cause, so chill the dough for at least 30 minutes before baking.
Measure flour by weight if you can, because scooping with a cup can be off by 20 percent or more.
Greased baking sheets encourage spreading; use parchment instead.
An oven that runs cool lets the butter melt before the structure sets, so an oven thermometer is worth buying."""),
    ("my rice comes out mushy", [], """
Rinse the rice until the water runs mostly clear to remove surface starch.
Use less water; for long-grain white rice on the stove, 1.25 to 1.5 parts water to 1 part rice is usually enough.
Keep the lid on and don't stir while it cooks.
Let it rest off the heat, covered, for 10 minutes before fluffing with a fork."""),
    ("my bread is dense", ["Why is my homemade bread so heavy?"], """
The most common causes are under-proofing, too little kneading, or old yeast.
Check that the dough roughly doubles and springs back slowly when you press it with a floured finger.
Bread flour gives a stronger gluten network than plain flour.
A cold kitchen slows fermentation a lot, so give the dough more time rather than more yeast."""),
    ("my cream sauce split", [], """
Dairy sauces split when they boil or when acid is added too quickly.
Take the pan off the heat and whisk in a splash of cold cream.
For emulsions like hollandaise, whisk a fresh egg yolk in a clean bowl and slowly drip the broken sauce into it.
Next time keep the heat low and add acidic ingredients gradually."""),
    ("my roast vegetables come out soggy", [], """
Crowding the pan is the main culprit: the vegetables steam instead of roasting.
Spread them in a single layer with space between pieces, using two trays if needed.
Dry them well after washing and toss them with enough oil to coat.
Roast hot, around 220°C (425°F), and don't keep opening the oven."""),
    ("my steak is tough", [], """
The cut matters most: lean cuts like round or sirloin tip should be cooked rare and sliced thinly against the grain.
Let the steak rest for five minutes after cooking.
Salting at least 40 minutes ahead, or right before cooking, improves both texture and seasoning.
Cooking past medium makes most steaks noticeably tougher."""),
    ("my pasta sticks together", [], """
Use a big pot with plenty of well-salted water so the temperature doesn't drop much when the pasta goes in.
Stir during the first two minutes, which is when sticking happens.
Oil in the water doesn't help and can stop the sauce from clinging.
Drain it a minute early and finish cooking it in the sauce with a splash of pasta water."""),
    ("my caramel turned grainy", [], """
Grainy caramel means the sugar recrystallized.
Stray crystals on the sides of the pan can set it off, so brush the sides down with a wet pastry brush.
Don't stir once the syrup boils; swirl the pan instead.
A spoonful of corn syrup or a squeeze of lemon juice helps keep crystals from forming."""),
]

COOK_STORE = [
    ("cooked rice", [], """
Cooked rice keeps for 3 to 4 days in the fridge.
Cool it quickly, within about an hour, because spores of Bacillus cereus can survive cooking and multiply at room temperature.
Spread it on a tray to cool faster, then refrigerate it in a shallow container.
Reheat it until steaming hot all the way through, and only reheat it once."""),
    ("homemade stock", [], """
Homemade stock keeps for 4 to 5 days in the fridge and about 6 months in the freezer.
Freeze it in portions, such as 500 ml tubs or ice cube trays, so you only thaw what you need.
Leave a little headspace in containers because liquid expands as it freezes.
If the fat sets on top in the fridge, lift it off or leave it as a seal until you use the stock."""),
    ("fresh herbs", [], """
Treat soft herbs like basil, parsley and coriander like flowers: trim the stems and stand them in a glass of water.
Basil prefers the counter; parsley and coriander do better in the fridge with a bag loosely over the top.
Wrap hardy herbs like thyme and rosemary in a slightly damp paper towel and keep them in the fridge.
Chopped herbs can be frozen in olive oil in an ice cube tray for cooking later."""),
    ("bread", [], """
Bread keeps best at room temperature in a bread bag or box for two or three days.
The fridge actually makes bread go stale faster, because starch recrystallizes quickest at fridge temperatures.
For longer storage, slice it and freeze it; you can toast slices straight from frozen.
A loaf that has gone a little stale revives well with a quick splash of water and five minutes in a hot oven."""),
    ("raw chicken", [], """
Raw chicken keeps for one to two days in the fridge.
Store it on the bottom shelf in a sealed container so juices can't drip onto other food.
It can be frozen for up to nine months with little loss in quality.
Thaw it in the fridge, not on the counter, and allow about a day for a whole bird per 2 kg."""),
    ("leftover cooked pasta", [], """
Cooked pasta keeps for 3 to 5 days in a sealed container in the fridge.
Toss plain pasta with a little oil first so it doesn't clump.
Store sauce separately if you can, since pasta soaks it up and goes soft.
Reheat it in the sauce with a splash of water rather than in the microwave on its own."""),
]

# ------------------------------------------------------------------------------------------------ python
PY_FUNCS = [
    ("reverses the order of words in a sentence", '''
def reverse_words(sentence: str) -> str:
    return " ".join(reversed(sentence.split()))''', """
`split()` with no arguments splits on any run of whitespace, so extra spaces don't produce empty strings.
`reversed()` returns an iterator, which `join` consumes directly.
For example, `reverse_words("the quick brown fox")` returns `"fox brown quick the"`."""),
    ("removes duplicates from a list while keeping the original order", '''
def dedupe(items):
    seen = set()
    result = []
    for item in items:
        if item not in seen:
            seen.add(item)
            result.append(item)
    return result''', """
A set gives constant-time membership checks, so this runs in linear time.
If the items are hashable, `list(dict.fromkeys(items))` is a one-line alternative, because dicts keep insertion order.
Unhashable items such as lists would need a slower approach that compares each pair."""),
    ("counts word frequencies in a text file and returns the 10 most common words", '''
import re
from collections import Counter


def top_words(path, n=10):
    with open(path, encoding="utf-8") as f:
        words = re.findall(r"[a-z']+", f.read().lower())
    return Counter(words).most_common(n)''', """
Lowercasing first means "The" and "the" are counted together.
`Counter.most_common(n)` returns a list of `(word, count)` pairs sorted by count.
For very large files, read line by line and call `counter.update()` on each line instead of reading everything at once."""),
    ("flattens a nested list of any depth", '''
def flatten(items):
    for item in items:
        if isinstance(item, (list, tuple)):
            yield from flatten(item)
        else:
            yield item''', """
It's a generator, so wrap it in `list()` if you need a list: `list(flatten([1, [2, [3, 4]], 5]))` gives `[1, 2, 3, 4, 5]`.
Strings are deliberately not treated as nested, otherwise each character would come out separately.
Extremely deep nesting, around a thousand levels, will hit Python's recursion limit."""),
    ("splits a list into chunks of size n", '''
def chunks(items, n):
    if n < 1:
        raise ValueError("n must be at least 1")
    return [items[i:i + n] for i in range(0, len(items), n)]''', """
The last chunk is shorter if the length isn't a multiple of n.
On Python 3.12 and later, `itertools.batched(items, n)` does the same thing lazily and yields tuples.
Raising on n < 1 avoids an infinite loop or a confusing error from `range`."""),
    ("checks whether a string is a palindrome, ignoring case, spaces and punctuation", '''
def is_palindrome(text: str) -> bool:
    cleaned = [c.lower() for c in text if c.isalnum()]
    return cleaned == cleaned[::-1]''', """
`isalnum()` drops spaces and punctuation, so "Was it a car or a cat I saw?" returns True.
Slicing with `[::-1]` makes a reversed copy of the list.
An empty string counts as a palindrome here, which is the usual convention."""),
    ("reads a CSV file and returns the sum of one column", '''
import csv


def column_total(path, column):
    total = 0.0
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            value = row.get(column, "").strip()
            if value:
                total += float(value)
    return total''', """
`DictReader` uses the header row as keys, so you refer to the column by name.
Empty cells are skipped instead of raising a ValueError.
If you already use pandas, `pd.read_csv(path)[column].sum()` is shorter."""),
    ("retries a function call a few times if it raises an exception", '''
import functools
import time


def retry(times=3, delay=1.0, exceptions=(Exception,)):
    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for attempt in range(1, times + 1):
                try:
                    return func(*args, **kwargs)
                except exceptions:
                    if attempt == times:
                        raise
                    time.sleep(delay * attempt)
        return wrapper
    return decorator''', """
Use it as `@retry(times=5, exceptions=(ConnectionError,))` above the function.
The delay grows with each attempt, which is a simple linear backoff.
Catch only the exceptions you expect: a bug like a TypeError will never succeed on a retry."""),
    ("does a binary search on a sorted list", '''
def binary_search(items, target):
    lo, hi = 0, len(items) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if items[mid] == target:
            return mid
        if items[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1''', """
It returns the index of the target, or -1 if it isn't there, in O(log n) comparisons.
The list must already be sorted.
The standard library's `bisect` module gives you the insertion point directly if that's what you need."""),
    ("merges two dictionaries, adding up values for keys that appear in both", '''
def merge_sum(a, b):
    result = dict(a)
    for key, value in b.items():
        result[key] = result.get(key, 0) + value
    return result''', """
Neither input is modified, because we copy `a` first.
If the values are counts, `Counter(a) + Counter(b)` does the same.
Note that Counter addition drops keys whose total is zero or negative."""),
    ("returns the first n Fibonacci numbers", '''
def fibonacci(n):
    a, b = 0, 1
    result = []
    for _ in range(n):
        result.append(a)
        a, b = b, a + b
    return result''', """
This is iterative, so it runs in linear time and has no recursion depth issues.
`fibonacci(10)` returns `[0, 1, 1, 2, 3, 5, 8, 13, 21, 34]`.
The naive recursive version recomputes the same values an exponential number of times."""),
    ("turns a date string like '2024-03-15' into 'March 15, 2024'", '''
from datetime import datetime


def pretty_date(value: str) -> str:
    d = datetime.strptime(value, "%Y-%m-%d")
    return f"{d:%B} {d.day}, {d.year}"''', """
`strptime` raises ValueError if the string doesn't match the format, which is usually what you want.
Using `d.day` instead of `%d` avoids a leading zero.
Month names follow the current locale, so they'll be English on most systems."""),
    ("checks that a string looks roughly like an email address", '''
import re

EMAIL_RE = re.compile(r"^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$")


def looks_like_email(value: str) -> bool:
    return bool(EMAIL_RE.match(value))''', """
This only checks the rough shape: some text, an @, and a domain containing a dot.
Fully validating addresses with a regex is a losing battle.
The only reliable check is sending a confirmation email."""),
    ("measures how long a block of code takes to run", '''
import time
from contextlib import contextmanager


@contextmanager
def timer(label="elapsed"):
    start = time.perf_counter()
    try:
        yield
    finally:
        print(f"{label}: {time.perf_counter() - start:.3f}s")''', """
Use it as `with timer("load data"):` around any block.
`perf_counter` is the right clock for intervals because it's monotonic and high resolution.
For micro-benchmarks of tiny snippets, the `timeit` module is more accurate because it runs the code many times."""),
]

PY_ERRORS = [
    ("IndexError: list index out of range", [], """
It means you asked for a position that doesn't exist in the list.
A list of length 5 has valid indexes 0 to 4, so `items[5]` fails.
The most common cause is an off-by-one error in a loop such as `for i in range(len(items) + 1)`.
Iterating directly with `for item in items` or `enumerate(items)` avoids manual indexing altogether.
If the list may be empty, check `if items:` before reading `items[0]`."""),
    ("TypeError: 'NoneType' object is not subscriptable", [], """
You're using square brackets on a value that is None.
Usually a function returned None when you expected a list or dict, often because one code path has no return statement.
Another classic cause is assigning the result of an in-place method, like `items = items.sort()`, which sets items to None.
Print the value just before the failing line to see where the None comes from.
Use `sorted(items)` if you need the sorted result as a new list."""),
    ("KeyError", ["I keep getting a KeyError when reading JSON from an API. Why?"], """
A KeyError means you looked up a dictionary key that isn't there.
Check the spelling and type of the key: `d[1]` and `d["1"]` are different keys.
`d.get(key)` returns None instead of raising, and `d.get(key, default)` lets you supply a fallback.
If you're counting or grouping, `collections.defaultdict` removes the need to check for missing keys.
When parsing API responses, print `d.keys()` to see what actually came back."""),
    ("ModuleNotFoundError: No module named 'requests'", ["I installed requests but Python still says it can't find it."], """
Python can't find the package in the environment that is running your script.
Install it with `python -m pip install requests`, using the same python you run the script with.
If you use a virtual environment, make sure it's activated, or call its interpreter directly.
Editors like VS Code can point at a different interpreter than your terminal, which is a frequent source of confusion.
`python -c "import sys; print(sys.executable)"` shows which interpreter is in use."""),
    ("UnboundLocalError: local variable referenced before assignment", [], """
Python decided the variable is local to the function because you assign to it somewhere inside that function.
Reading it before that assignment then fails, even if a global with the same name exists.
The cleanest fix is to pass the value in as a parameter and return the new value.
If you really need to change a module-level variable, declare it with `global name` at the top of the function.
For a variable in an enclosing function, use `nonlocal` instead."""),
    ("AttributeError: 'list' object has no attribute 'split'", [], """
`split` is a string method, but the variable holds a list.
This often happens after you've already split once, or after `readlines()` when you forget to loop over the lines.
Split each element instead: `[line.split(",") for line in lines]`.
Printing `type(value)` just before the error confirms what you're working with."""),
    ("ValueError: invalid literal for int() with base 10", [], """
`int()` was given a string that isn't a whole number, such as an empty string, '3.5', or '12 apples'.
Surrounding whitespace is fine, but decimal points and commas are not.
For values like '3.5', convert with `float()` first, or `int(float(s))` if you want to truncate.
When reading files or user input, wrap the conversion in try/except ValueError and decide what to do with bad rows.
The error message shows the offending string in quotes, which usually reveals the problem at once."""),
    ("RecursionError: maximum recursion depth exceeded", [], """
Your function called itself more times than Python allows, about 1,000 levels by default.
Usually the base case is never reached, for example because the argument doesn't get smaller on each call.
Check that every recursive call moves toward the base case.
For legitimately deep recursion, rewrite the function as a loop with an explicit stack.
Raising the limit with `sys.setrecursionlimit` is possible but can crash the interpreter if you go too far."""),
    ("TypeError: can only concatenate str (not \"int\") to str", [], """
You used + between a string and a number, and Python won't convert types implicitly.
Convert explicitly with `str(n)`, or better, use an f-string such as `f"Total: {n}"`.
If you meant numeric addition, convert the string with `int()` or `float()` instead.
This often shows up with values from `input()`, which always returns a string."""),
    ("IndentationError: unexpected indent", [], """
A line is indented more than Python expects, for example in the middle of a block where no new block was opened.
Mixing tabs and spaces is a common hidden cause, since they can look identical in the editor.
Set your editor to insert four spaces when you press Tab and to show whitespace characters.
`python -m tabnanny yourfile.py` reports inconsistent indentation."""),
    ("FileNotFoundError: [Errno 2] No such file or directory", [], """
Relative paths are resolved against the current working directory, not the folder where the script lives.
Print `os.getcwd()` to see where Python is looking.
To open a file next to the script wherever you run it from, build the path with `Path(__file__).parent / "data.csv"`.
Also check for typos and hidden extensions on Windows, such as a file actually named data.csv.txt."""),
    ("ZeroDivisionError: division by zero", [], """
You divided by a value that was zero at runtime.
Typical causes are averaging an empty list or computing a percentage when the total is zero.
Guard the division with an explicit check and decide what the result should be in that case, such as 0 or None.
Don't hide it with a bare except, because that also swallows unrelated bugs."""),
]

PY_CONCEPTS = [
    ("lists versus tuples", ["What's the difference between a list and a tuple in Python?",
                             "When should I use a tuple instead of a list?"], """
Lists are mutable: you can append, remove and change elements after creating them.
Tuples are immutable, so their contents can't be reassigned once created.
Tuples of hashable values can be dictionary keys or set members, which lists cannot.
By convention, tuples hold fixed-size records where position has meaning, like `(latitude, longitude)`, and lists hold collections of similar items.
Tuples are also slightly smaller in memory."""),
    ("`==` versus `is`", ["When do I use `is` instead of `==` in Python?"], """
`==` compares values by calling the object's `__eq__` method.
`is` checks identity: whether two names refer to the very same object.
Two separate lists with the same contents are `==` but not `is`.
The main legitimate use of `is` is comparing with singletons like None, as in `if x is None`.
Small integers and some strings may seem to work with `is` because of interning, but relying on that is a bug waiting to happen."""),
    ("mutable default arguments", ["Why does my function's default list keep growing between calls?",
                                   "What's wrong with `def f(items=[])`?"], """
Default values are evaluated once, when the function is defined, not on every call.
So a default list or dict is shared by all calls, and changes from one call show up in the next.
The standard fix is a None default, with `if items is None: items = []` inside the function.
Linters such as ruff and pylint flag this pattern automatically.
The same idea is why dataclasses require `field(default_factory=list)`."""),
    ("*args and **kwargs", [], """
`*args` collects extra positional arguments into a tuple, and `**kwargs` collects extra keyword arguments into a dict.
The names are only a convention; the asterisks are what matter.
They're handy for wrappers and decorators that pass arguments through unchanged.
The same syntax works in calls: `f(*values, **options)` unpacks a sequence and a mapping.
Overusing them in ordinary functions hides the real signature, so prefer explicit parameters where you can."""),
    ("generators and yield", ["What is a generator in Python and why would I use one?",
                              "How is `yield` different from `return`?"], """
A generator is a function that uses `yield` to produce values one at a time instead of building a whole list.
Each time you ask for the next value, the function resumes where it left off, keeping its local state.
That makes generators memory-efficient for large or endless sequences, like reading a huge file line by line.
Generator expressions such as `(x * x for x in data)` are the lazy counterpart of list comprehensions.
The trade-off is that a generator can only be iterated once."""),
    ("virtual environments", ["Why do people use venv?"], """
A virtual environment is an isolated folder with its own Python interpreter and installed packages.
It lets each project pin its own dependency versions without clashing with other projects or the system Python.
Create one with `python -m venv .venv` and activate it with `source .venv/bin/activate` on macOS and Linux.
Record dependencies in requirements.txt or pyproject.toml so others can recreate it.
Don't commit the .venv folder itself to version control."""),
    ("the GIL", ["Does Python threading actually run in parallel?"], """
The Global Interpreter Lock is a mutex in CPython that lets only one thread run Python bytecode at a time.
So threads don't speed up CPU-bound pure Python code.
Threads still help with I/O-bound work like network requests, because the lock is released while waiting.
For CPU-bound work, use `multiprocessing` or `ProcessPoolExecutor`, or lean on libraries like NumPy that release the lock.
Python 3.13 added an experimental free-threaded build that can run without the GIL."""),
    ("the `with` statement", ["What does `with open(...) as f` actually do?"], """
A `with` block guarantees that setup and cleanup code run in pairs, even if an exception is raised inside the block.
The classic example is `with open(path) as f:`, which closes the file automatically.
Any object with `__enter__` and `__exit__` methods works as a context manager.
The `contextlib.contextmanager` decorator lets you write one as a generator with a single `yield`.
Locks, database transactions and temporary directories are other common uses."""),
    ("`@staticmethod` versus `@classmethod`", [], """
A classmethod receives the class itself as its first argument, conventionally named `cls`.
A staticmethod receives neither the instance nor the class; it's just a function namespaced inside the class.
Classmethods are the usual way to write alternative constructors, like `datetime.fromtimestamp`.
Because they receive `cls`, they also work correctly in subclasses.
If a method needs neither self nor cls, a plain module-level function may be clearer."""),
    ("shallow versus deep copies", ["Why does changing my copied list change the original too?"], """
A shallow copy creates a new outer container filled with references to the same inner objects.
So `x.copy()` on a list of lists still shares the inner lists.
`copy.deepcopy` copies everything recursively, so nested changes don't leak between the copies.
Deep copies are slower and can surprise you with objects that hold resources like open files.
For simple nested data, building the new structure explicitly is often clearest."""),
    ("list comprehensions", [], """
A list comprehension builds a list in one expression, such as `[x * 2 for x in numbers if x > 0]`.
It's usually faster and more readable than the equivalent loop with `append`.
You can nest them, but more than two levels quickly becomes hard to read.
If you don't need the whole list at once, use a generator expression in parentheses instead.
Dict and set comprehensions follow the same pattern with braces."""),
    ("`if __name__ == \"__main__\"`", ["What does `if __name__ == '__main__':` mean?"], """
Every module has a `__name__`, which is set to "__main__" when the file is run directly.
When the file is imported, `__name__` is the module's own name instead.
Code under this check runs as a script but not on import, so the file works both ways.
It also stops test runners and other importers from accidentally running your script logic.
On some platforms it is required when using multiprocessing."""),
]

# ------------------------------------------------------------------------------------------------ personal finance
FINANCE = [
    ("an emergency fund", ["How big should my emergency fund be?"], """
An emergency fund is cash set aside for surprises like a job loss, a car repair or a medical bill.
A common target is three to six months of essential expenses, closer to six if your income is irregular.
Keep it in a high-yield savings account where it's safe and easy to reach, not in stocks.
Build it gradually with an automatic transfer on payday.
Having one means a surprise bill doesn't end up on a credit card."""),
    ("index funds", ["Are index funds a good idea for a beginner?"], """
An index fund holds the securities in a market index, such as the S&P 500 or a total world stock index.
Because it doesn't try to pick winners, its fees are usually very low.
Over long periods, most actively managed funds fail to beat their benchmark index after fees.
A broad index fund gives you instant diversification across hundreds or thousands of companies.
The main risk is that you get the market's full downturns as well as its gains."""),
    ("the debt avalanche and the debt snowball", ["Should I pay off my smallest debt first or the highest interest one?"], """
Both methods have you pay the minimum on every debt and put any extra money toward one target debt.
The avalanche targets the highest interest rate first, which minimizes the total interest you pay.
The snowball targets the smallest balance first, which gives quicker wins and can help motivation.
The avalanche is cheaper on paper, but the best method is the one you'll stick with.
Either way, avoid taking on new debt while you pay down the old."""),
    ("credit scores", ["How can I improve my credit score?"], """
A credit score estimates how likely you are to repay borrowed money.
Payment history is the biggest factor, so paying every bill on time matters most.
Credit utilization, the share of your available credit you're using, comes next; keeping it below about 30 percent helps.
The length of your credit history and the mix of account types also count.
Checking your own score doesn't lower it; only hard inquiries from lenders do."""),
    ("the 50/30/20 budget", [], """
The 50/30/20 rule splits your after-tax income into three buckets.
About 50 percent goes to needs such as rent, utilities, groceries and minimum loan payments.
About 30 percent goes to wants like eating out, travel and subscriptions.
The remaining 20 percent goes to savings and extra debt payments.
It's a starting point, not a law; in expensive cities, needs often take more than half."""),
    ("dollar-cost averaging", ["Is it better to invest a lump sum or spread it out?"], """
Dollar-cost averaging means investing a fixed amount at regular intervals, whatever the price.
You automatically buy more shares when prices are low and fewer when they're high.
It removes the temptation to time the market and turns investing into a habit.
With a lump sum, investing it all at once has historically come out ahead more often than not, but spreading it out reduces regret if prices drop soon after.
If you invest from each paycheck, you're already doing it."""),
    ("compound interest", ["What's the rule of 72?"], """
Compound interest means you earn returns on your earlier returns, not just on the money you put in.
The effect is small at first and dramatic over decades.
The rule of 72 gives a quick estimate: divide 72 by the annual rate to get roughly how many years it takes to double.
At 6 percent, money doubles in about 12 years.
The same math works against you on credit card debt, which is why those balances grow so fast."""),
    ("renting versus buying a home", ["Is it always better to buy than to rent?"], """
Buying builds equity, but it comes with costs renters don't pay: property taxes, insurance, maintenance and transaction fees.
A rough rule is that buying makes more sense if you'll stay at least five years.
Compare the full monthly cost of owning with rent plus what you'd earn by investing the down payment.
Maintenance often runs 1 to 2 percent of the home's value each year.
Renting also gives flexibility, which is worth a lot if your job or family situation may change."""),
    ("inflation", [], """
Inflation is the general rise in prices over time, which reduces what each unit of money can buy.
Many central banks aim for around 2 percent a year.
Cash earning less interest than the inflation rate loses purchasing power.
Stocks and real assets have historically outpaced inflation over long periods, though not every year.
When planning for retirement, use inflation-adjusted returns rather than nominal ones."""),
    ("an employer retirement match", ["My employer matches 401(k) contributions. How much should I put in?"], """
Many employers match part of what you contribute to a workplace retirement plan, for example 50 cents per dollar up to 6 percent of salary.
That match is an instant return on your money, so contributing enough to get all of it is usually a top priority.
Check the vesting schedule, which sets when the matched money becomes fully yours.
Contributions are often taken before tax, which lowers your taxable income now."""),
]

# ------------------------------------------------------------------------------------------------ travel
TRAVEL_CITIES = [
    ("Lisbon", """
Walk through Alfama in the morning before the tour groups arrive.
Ride tram 28 early or late in the day to avoid the worst crowds.
Take the train to Belém for the Jerónimos Monastery and a custard tart or two.
Watch the sunset from the Miradouro da Senhora do Monte.
Spend a day in Sintra, ideally on a weekday.
Have lunch at the Time Out Market and wander the riverside afterwards.""", """
Wear shoes with good grip; the polished limestone pavements get slippery.
Restaurants often put bread and olives on the table and charge for them if you eat them.
A rechargeable Viva Viagem card covers the metro, trams and buses."""),
    ("Kyoto", """
Go to Fushimi Inari at sunrise and keep climbing past the busy first section.
Walk the Philosopher's Path from Ginkaku-ji toward Nanzen-ji.
Spend an afternoon in Arashiyama: the bamboo grove, the river and Tenryu-ji.
Graze your way through Nishiki Market for lunch.
See Kiyomizu-dera and walk down through Sannenzaka and Ninenzaka.
Take an evening stroll through Gion and along Shirakawa canal.""", """
An IC card such as ICOCA works on buses, trains and in convenience stores.
City buses get packed; the subway and walking are often faster.
Many temples close around 5 pm, so start early."""),
    ("Iceland", """
Drive the Golden Circle: Þingvellir, Geysir and Gullfoss.
Follow the south coast to Seljalandsfoss and Skógafoss.
Walk the black sand beach at Reynisfjara, staying well back from the waves.
Soak in one of Reykjavik's public geothermal pools like the locals do.
Visit Hallgrímskirkja and walk down to the old harbour.
Take a glacier walk with a certified guide at Sólheimajökull.""", """
Check the road and weather conditions every morning before you set off.
Fill up the tank whenever you can outside the capital area.
Pack waterproof layers whatever the season."""),
    ("Mexico City", """
Explore the Centro Histórico: the Zócalo, the cathedral and the Templo Mayor.
Give the Museo Nacional de Antropología in Chapultepec Park at least half a day.
Visit Coyoacán and the Frida Kahlo Museum, with tickets booked ahead.
Take a day trip to Teotihuacan and arrive at opening time.
Eat your way through Roma and Condesa.
Ride a trajinera in Xochimilco on a weekend afternoon.""", """
The city sits at about 2,240 metres, so take the first day easy and drink plenty of water.
Use ride-hailing apps or official taxi stands rather than hailing cabs on the street.
Many museums close on Mondays."""),
    ("Edinburgh", """
Walk the Royal Mile from the castle down to Holyrood.
Climb Arthur's Seat for views over the city and the Firth of Forth.
Spend a rainy morning in the National Museum of Scotland, which is free.
Wander through Dean Village and along the Water of Leith.
Take a day trip to the coast at North Berwick or to the Highlands.
Catch live music in a pub in the Grassmarket.""", """
Pack layers and a waterproof in any month.
August is festival season, so book accommodation months ahead.
The city is hilly and best seen on foot, so bring comfortable shoes."""),
    ("Rome", """
See the Colosseum and the Roman Forum on a combined ticket booked in advance.
Do the Vatican Museums first thing in the morning, then St Peter's Basilica.
Walk from the Pantheon to Piazza Navona and on to Campo de' Fiori.
Cross the river to Trastevere for dinner.
Book a timed slot for the Galleria Borghese.
Climb the Aventine Hill and peek through the keyhole at the Knights of Malta gate.""", """
Carry a refillable bottle; the public fountains have drinkable water.
Churches require covered shoulders and knees.
Validate paper bus tickets when you board."""),
    ("Marrakech", """
Head to Jemaa el-Fnaa in the evening, when the food stalls open.
Visit the Jardin Majorelle early in the morning to beat the queue.
Tour the Bahia Palace and its tiled courtyards.
Wander the souks with a loose plan and let yourself get a little lost.
Take a day trip to the Atlas Mountains or the Ourika Valley.
Book a traditional hammam session.""", """
Agree on a price before any taxi ride or service.
Modest clothing covering shoulders and knees is a comfortable default.
Carry small change for tips and market stalls."""),
    ("Vancouver", """
Walk or cycle the Stanley Park seawall.
Have lunch at the Granville Island public market.
Take the SeaBus to Lonsdale Quay in North Vancouver.
Hike the Grouse Grind or ride the gondola up Grouse Mountain.
Drive the Sea-to-Sky Highway toward Squamish and Whistler.
Explore Gastown and Chinatown on foot.""", """
Bring a rain jacket outside of summer.
The Compass Card covers buses, the SkyTrain and the SeaBus.
Book popular restaurants a few days ahead on weekends."""),
]

TRAVEL_PACKING = [
    ("a week of summer hiking in the Alps", """
Broken-in hiking boots or trail shoes
A waterproof jacket, even if the forecast is good
A warm fleece or light down layer for the summits and evenings
Sun hat, sunglasses and high SPF sunscreen
A 25 to 35 litre daypack with a rain cover
Refillable water bottles or a hydration bladder
Blister plasters and a small first aid kit
Trekking poles for the long descents""", "Mountain huts usually want you to bring a sleeping bag liner, and many only take cash."),
    ("a beach holiday", """
Two swimsuits so one can dry
Reef-safe sunscreen and after-sun
A light cover-up and a hat
Sandals and one pair of walking shoes
A quick-dry towel
A waterproof phone pouch
A paperback or an e-reader
A reusable water bottle""", "Pack light; you'll live in the same three outfits anyway."),
    ("a business trip with carry-on only", """
One blazer that goes with everything
Two or three shirts in wrinkle-resistant fabric
One pair of dress shoes, worn on the plane
Laptop, chargers and a universal adapter
A small toiletry bag that meets the liquids rule
A packable layer for cold meeting rooms
Business cards or a digital equivalent""", "Roll your clothes and hang the shirts in the bathroom while you shower to steam out creases."),
    ("a winter city break", """
A warm, waterproof coat
Thermal base layers
Waterproof boots with good grip
Hat, gloves and a scarf
A small umbrella
Lip balm and hand cream
A power bank, since cold drains phone batteries""", "Layers beat one huge jumper, because shops and museums are heated."),
    ("a month backpacking in Southeast Asia", """
A 40 litre backpack that fits carry-on rules
Quick-dry clothes and one long-sleeved layer for temples
Flip-flops and light walking shoes
Insect repellent with DEET or picaridin
A basic first aid kit with rehydration salts
A padlock for hostel lockers
A universal adapter and a power bank
Copies of your passport and insurance""", "You can buy almost anything locally, so pack less than you think."),
    ("a camping weekend", """
Tent, with the pegs and poles checked at home
A sleeping bag rated for the night-time low
A sleeping mat
Stove, fuel, a lighter and a pan
A headtorch with spare batteries
Warm layers for the evening
A water filter or enough water
Bin bags to carry your rubbish out""", "Pitch the tent once in the garden before you go, so you know nothing is missing."),
]

TRAVEL_TIPS = [
    ("jet lag", ["How do I get over jet lag faster?"], """
Start shifting your sleep by an hour a day for a few days before you leave.
On arrival, get outside in daylight, especially in the morning, which resets your body clock fastest.
Stay up until a normal local bedtime, even if you allow yourself a short nap of under 30 minutes.
Go easy on alcohol and caffeine during the flight.
A rough rule is one day to recover for each time zone crossed, and flying east is usually harder."""),
    ("finding cheaper flights", ["How do I find cheap flights?"], """
Be flexible on dates if you can; a day or two either way can change the price a lot.
Use a flight search site's calendar or map view to compare dates and nearby airports.
Set a price alert rather than checking every day.
Check what is included, since budget fares often charge for seats and bags.
Booking directly with the airline makes changes and refunds easier if something goes wrong."""),
    ("travel insurance", ["Is travel insurance worth it?"], """
Travel insurance matters most for medical costs abroad, which can be enormous in some countries.
Check the medical cover limit, the excess and whether it covers the activities you plan, like skiing or diving.
Cancellation cover is useful if you've prepaid a lot that you can't get back.
Some credit cards and bank accounts include travel insurance, so check before you buy a policy.
Declare existing medical conditions, or a claim may be refused."""),
    ("travelling solo safely", ["Any safety tips for my first solo trip?"], """
Share your itinerary and accommodation details with someone at home.
Arrive in a new city during daylight when you can.
Keep a copy of your passport and a backup card separate from your main wallet.
Choose accommodation with good recent reviews from other solo travellers.
Trust your instincts; it's fine to leave a place or situation that feels off."""),
    ("paying for things abroad", ["Should I use cash or card when I travel?"], """
Bring a card with no foreign transaction fees if you can.
When a card machine asks whether to pay in your home currency, choose the local currency; the conversion offered is usually worse.
Withdraw larger amounts less often from bank ATMs to limit fixed fees.
Carry a little local cash for markets, tips and places that don't take cards.
Tell your bank you're travelling if it still asks for that."""),
    ("losing your passport abroad", ["What do I do if I lose my passport while travelling?"], """
Report the loss to the local police and get a written report.
Contact your country's nearest embassy or consulate, which can issue an emergency travel document.
Bring a passport photo, a copy of the lost passport if you have one, and your travel details.
Cancel the old passport when asked, since it can't be used once it's reported lost.
Keeping a scan of your passport in your email makes this much easier."""),
]

# ------------------------------------------------------------------------------------------------ biology
BIO = [
    ("photosynthesis", ["What is photosynthesis?"], """
Photosynthesis is the process plants, algae and some bacteria use to turn light energy into chemical energy.
In the light-dependent reactions, in the thylakoid membranes of the chloroplast, light splits water, releasing oxygen and producing ATP and NADPH.
In the Calvin cycle, in the stroma, that ATP and NADPH are used to fix carbon dioxide into sugars.
The overall equation is 6CO2 + 6H2O + light energy → C6H12O6 + 6O2.
Chlorophyll absorbs mostly red and blue light and reflects green, which is why leaves look green."""),
    ("mitosis and meiosis", ["What's the difference between mitosis and meiosis?"], """
Mitosis produces two genetically identical daughter cells and is used for growth and repair.
Meiosis produces four genetically different cells with half the chromosome number, and it is how gametes such as sperm and eggs are made.
Mitosis involves one division, while meiosis involves two.
In meiosis I, homologous chromosomes pair up and can swap segments by crossing over, which adds genetic variation.
A human body cell has 46 chromosomes, and a human gamete has 23."""),
    ("DNA replication", ["How does DNA copy itself?"], """
DNA replication is semi-conservative: each new double helix contains one original strand and one new strand.
Helicase unwinds the helix, and DNA polymerase adds nucleotides that pair with the template, A with T and C with G.
Polymerase only builds in the 5' to 3' direction, so one strand is made continuously and the other in short Okazaki fragments.
DNA ligase joins those fragments together.
Proofreading by the polymerase keeps the error rate extremely low."""),
    ("how vaccines work", ["How do vaccines actually protect you?"], """
Vaccines train the adaptive immune system to recognize a pathogen without causing the disease.
They present an antigen, such as an inactivated virus, a protein fragment, or mRNA instructions for making a viral protein.
B cells respond by making antibodies, and T cells learn to recognize infected cells.
Memory cells persist afterwards, so a later real infection triggers a faster, stronger response.
When enough people are immune, spread slows, which also protects those who can't be vaccinated."""),
    ("enzymes", ["What do enzymes do?"], """
Enzymes are biological catalysts, usually proteins, that speed up chemical reactions without being used up.
They work by lowering the activation energy a reaction needs.
Each enzyme has an active site that binds a specific substrate, often described with the lock-and-key or induced-fit model.
Temperature and pH affect enzyme activity, and too much heat can denature the enzyme and change the shape of its active site.
Most human enzymes work best around body temperature, 37°C."""),
    ("natural selection", ["How does natural selection work?"], """
Natural selection is the process by which heritable traits that improve survival and reproduction become more common over generations.
It needs variation among individuals, inheritance of that variation, and differences in reproductive success.
Individuals don't evolve; populations do.
A classic example is antibiotic resistance, where resistant bacteria survive treatment and multiply.
Charles Darwin and Alfred Russel Wallace proposed the idea independently in the mid-19th century."""),
    ("cellular respiration", ["How do cells get energy from glucose?"], """
Cellular respiration releases energy from glucose and stores it as ATP.
It starts with glycolysis in the cytoplasm, which splits glucose into two molecules of pyruvate.
With oxygen present, pyruvate enters the mitochondria, where the Krebs cycle and the electron transport chain make most of the ATP.
Oxygen is the final electron acceptor and ends up as water.
Without oxygen, cells fall back on fermentation, which yields far less ATP."""),
    ("osmosis", ["What is osmosis?"], """
Osmosis is the movement of water across a selectively permeable membrane from lower to higher solute concentration.
It's passive, so the cell spends no energy on it.
A red blood cell in pure water swells and can burst, while one in very salty water shrinks.
Plant cells in fresh water become firm, or turgid, because the cell wall stops them bursting.
That's why limp lettuce crisps up in a bowl of cold water."""),
    ("the innate and adaptive immune systems", [], """
The innate immune system is the fast, general first line of defence: skin, mucus, inflammation and cells such as neutrophils and macrophages.
The adaptive immune system responds more slowly the first time but is highly specific, using B cells and T cells that recognize particular antigens.
The adaptive system also forms memory, which is why you usually get chickenpox only once.
The two work together, since innate cells present antigens that switch on adaptive responses."""),
    ("CRISPR gene editing", ["How does CRISPR work?"], """
CRISPR-Cas9 is a gene-editing tool adapted from a defence system bacteria use against viruses.
A guide RNA is designed to match a specific DNA sequence, and it leads the Cas9 enzyme to cut the DNA there.
The cell then repairs the break, which can disable a gene or, with a supplied template, insert a new sequence.
It is much cheaper and more precise than earlier gene-editing methods.
Jennifer Doudna and Emmanuelle Charpentier received the 2020 Nobel Prize in Chemistry for developing it."""),
    ("the nitrogen cycle", [], """
Nitrogen makes up about 78 percent of the atmosphere, but most organisms can't use it in that form.
Nitrogen-fixing bacteria, some living in the root nodules of legumes, convert it into ammonia.
Nitrifying bacteria turn ammonia into nitrites and then nitrates, which plants absorb.
Animals get nitrogen by eating plants or other animals.
Denitrifying bacteria return nitrogen gas to the atmosphere, closing the cycle."""),
    ("homeostasis", ["What is homeostasis? Give examples."], """
Homeostasis is keeping a stable internal environment despite changes outside the body.
Body temperature, blood glucose and water balance are classic examples.
Most homeostatic systems use negative feedback: a change triggers a response that reverses it.
When blood sugar rises after a meal, the pancreas releases insulin, which helps cells take up glucose.
When you overheat, you sweat and blood vessels near the skin widen to lose heat."""),
    ("mitochondria", ["Why are mitochondria called the powerhouse of the cell?"], """
Mitochondria are organelles that make most of a cell's ATP through aerobic respiration.
They have a double membrane, with the inner one folded into cristae to increase its surface area.
They carry their own small circular DNA, which supports the idea that they descend from bacteria engulfed by an ancestral cell.
In humans, mitochondrial DNA is inherited almost entirely from the mother.
Cells with high energy demands, like muscle cells, contain many mitochondria."""),
]

# ------------------------------------------------------------------------------------------------ history
HISTORY = [
    ("the fall of the Western Roman Empire", ["Why did the Roman Empire fall?"], """
The Western Roman Empire is conventionally said to have ended in 476 CE, when Odoacer deposed the emperor Romulus Augustulus.
Historians see it as a long process rather than a single event.
Contributing factors include political instability, economic strain and heavy taxation, and pressure from groups such as the Goths and Vandals.
The sack of Rome by the Visigoths in 410 was a major psychological blow.
The eastern half, centred on Constantinople, survived for almost another thousand years, until 1453."""),
    ("the causes of World War I", ["What caused the First World War?"], """
The immediate trigger was the assassination of Archduke Franz Ferdinand of Austria-Hungary in Sarajevo on 28 June 1914.
Deeper causes are often summarized as militarism, alliances, imperialism and nationalism.
The alliance system turned a regional conflict between Austria-Hungary and Serbia into a war drawing in Russia, Germany, France and Britain.
Germany's plan to defeat France quickly by going through Belgium brought Britain into the war.
An arms race, especially the naval rivalry between Britain and Germany, had raised tensions for years beforehand."""),
    ("the printing press", ["How did the printing press change Europe?"], """
Johannes Gutenberg developed a movable metal type printing press in Mainz around the 1440s.
It made books far cheaper and faster to produce than hand-copied manuscripts.
Within a few decades, presses had spread to hundreds of European towns.
Print helped standardize languages and spread the ideas of the Renaissance and the Scientific Revolution.
It also powered the Protestant Reformation, as Martin Luther's writings circulated widely in print."""),
    ("the French Revolution", [], """
The French Revolution began in 1789, driven by a fiscal crisis, food shortages and resentment of the privileges of the nobility and clergy.
The storming of the Bastille on 14 July 1789 became its symbolic starting point.
Revolutionaries abolished feudal privileges and issued the Declaration of the Rights of Man and of the Citizen.
The monarchy was abolished in 1792, and Louis XVI was executed in 1793.
A period of radical violence known as the Terror followed, and the era closed with Napoleon Bonaparte's seizure of power in 1799."""),
    ("the Industrial Revolution", ["Where and why did the Industrial Revolution start?"], """
The Industrial Revolution began in Britain in the second half of the 18th century.
Key developments included mechanized textile production, improved steam engines associated with James Watt, and new ways of making iron.
Factories drew workers from the countryside into fast-growing cities.
Railways, from the 1820s and 1830s, transformed how goods and people moved.
Working conditions were often harsh, which eventually led to labour laws and the growth of trade unions."""),
    ("the Black Death", [], """
The Black Death was a plague pandemic that swept through Europe between 1347 and 1351.
It was caused by the bacterium Yersinia pestis, spread mainly by fleas on rodents and, in its pneumonic form, between people.
Estimates suggest it killed between a third and a half of Europe's population.
The labour shortage that followed raised wages for surviving workers and weakened the feudal system in parts of Europe.
Plague returned in waves for centuries afterwards."""),
    ("the Cold War", ["What was the Cold War?"], """
The Cold War was a geopolitical rivalry between the United States and the Soviet Union, roughly from 1947 to 1991.
It was fought through arms races, proxy wars, propaganda and competition in science and space rather than direct war between the two powers.
Flashpoints included the Berlin Blockade, the Korean War, the Cuban Missile Crisis in 1962 and the Vietnam War.
Nuclear deterrence, the idea of mutually assured destruction, shaped strategy on both sides.
It ended with the fall of communist governments in Eastern Europe in 1989 and the dissolution of the Soviet Union in 1991."""),
    ("the Magna Carta", ["Why does the Magna Carta matter?"], """
The Magna Carta was a charter agreed by King John of England at Runnymede in 1215 under pressure from rebellious barons.
It limited the king's power and set out rights concerning justice, taxation and the church.
The Pope annulled it within months, but revised versions were reissued in later years.
Its promise that no free man would be imprisoned except by lawful judgment or the law of the land became a foundation for later ideas of due process.
Its symbolic importance grew over the centuries and influenced constitutional documents elsewhere."""),
    ("the Silk Road", [], """
The Silk Road was a network of trade routes linking China with Central Asia, the Middle East and Europe.
It flourished especially under the Han and Tang dynasties and later under the Mongol Empire.
Silk was only one of many goods; spices, horses, paper, ceramics and precious metals also moved along it.
Ideas travelled too, including Buddhism, which spread from India into China.
Most traders covered only part of the route, so goods passed through many hands."""),
    ("the Meiji Restoration", [], """
The Meiji Restoration of 1868 returned political power in Japan from the Tokugawa shogunate to the emperor.
The new government abolished the feudal domains and ended the samurai class's privileges.
It built railways, introduced conscription and a modern army, and created a national school system.
Advisers and ideas were brought in from Europe and the United States.
Within a few decades Japan had become an industrial and military power."""),
    ("the fall of the Berlin Wall", ["Why did the Berlin Wall come down in 1989?"], """
East Germany built the Berlin Wall in 1961 to stop people leaving for West Berlin.
On 9 November 1989, after weeks of mass protests, an East German official mistakenly announced that the border crossings would open immediately.
Crowds gathered at the checkpoints, and the guards eventually let them through.
The event came to symbolize the end of communist rule in Eastern Europe.
Germany was formally reunified less than a year later, on 3 October 1990."""),
    ("the Renaissance", [], """
The Renaissance was a cultural movement that began in Italy in the 14th century and spread across Europe over the next two centuries.
It was marked by renewed interest in classical Greek and Roman texts, an approach known as humanism.
Florence, with patrons like the Medici family, was an early centre.
Artists such as Leonardo da Vinci, Michelangelo and Raphael developed realistic perspective and anatomy.
The printing press helped carry Renaissance ideas far beyond Italy."""),
    ("the American civil rights movement", [], """
The civil rights movement was a struggle in the 1950s and 1960s to end racial segregation and discrimination against Black Americans.
Milestones include the Supreme Court's Brown v. Board of Education decision in 1954 and the Montgomery bus boycott of 1955 to 1956.
Leaders such as Martin Luther King Jr. used nonviolent protest, including marches, boycotts and sit-ins.
The 1963 March on Washington drew around 250,000 people.
The movement led to the Civil Rights Act of 1964 and the Voting Rights Act of 1965."""),
]

# ------------------------------------------------------------------------------------------------ writing and editing
GRAMMAR_FIX = [
    ("Their going to announce the results tomorrow, and then we'll know who's project won.",
     "They're going to announce the results tomorrow, and then we'll know whose project won.",
     "\"They're\" is short for \"they are\", and \"whose\" is the possessive; \"who's\" means \"who is\"."),
    ("Me and my sister goes to the market every Saturday.", "My sister and I go to the market every Saturday.",
     "Use \"I\" in the subject, and a plural subject takes \"go\", not \"goes\"."),
    ("The data shows that less people are using the app then last year.",
     "The data shows that fewer people are using the app than last year.",
     "\"Fewer\" goes with countable nouns like people, and comparisons use \"than\"; \"then\" is about time."),
    ("Each of the students have submitted their essay.", "Each of the students has submitted their essay.",
     "\"Each\" is singular, so it takes \"has\". Singular \"their\" is fine when gender is unknown or irrelevant."),
    ("Its been a long week, the team is exhausted, we should postpone the review.",
     "It's been a long week, and the team is exhausted, so we should postpone the review.",
     "\"It's\" is short for \"it has\" here, and the commas alone were splicing independent clauses together."),
    ("Walking into the office, the printer was broken again.", "When I walked into the office, the printer was broken again.",
     "The original has a dangling modifier: it says the printer was walking into the office."),
    ("I could of finished earlier if the meeting hadn't ran over.", "I could have finished earlier if the meeting hadn't run over.",
     "\"Could of\" is a mishearing of \"could've\", and the past participle of \"run\" is \"run\"."),
    ("Between you and I, the budget is to tight.", "Between you and me, the budget is too tight.",
     "After a preposition like \"between\", use \"me\". \"Too\" means excessively; \"to\" is a preposition."),
    ("She don't know weather the flight has been cancelled.", "She doesn't know whether the flight has been cancelled.",
     "\"She\" takes \"doesn't\", and \"whether\" introduces alternatives; \"weather\" is rain and sun."),
    ("There is alot of reasons why the project was delayed.", "There are a lot of reasons why the project was delayed.",
     "\"A lot\" is two words, and the plural \"reasons\" needs \"are\"."),
    ("The committee has decided to except all the proposals accept one.",
     "The committee has decided to accept all the proposals except one.",
     "\"Accept\" means to agree to or receive; \"except\" means excluding. The two were swapped."),
    ("If I was you, I would of called them back immediately.", "If I were you, I would have called them back immediately.",
     "Hypotheticals take the subjunctive \"were\", and \"would of\" should be \"would have\"."),
    ("Your welcome to join us, just let me know if your coming.",
     "You're welcome to join us; just let me know if you're coming.",
     "Both \"your\"s should be \"you're\" (you are), and a semicolon fixes the comma splice."),
    ("The report, which was due on friday were submitted late.", "The report, which was due on Friday, was submitted late.",
     "Days of the week are capitalized, the aside needs a closing comma, and the singular \"report\" takes \"was\"."),
    ("Neither the manager nor the employees was told about the change.",
     "Neither the manager nor the employees were told about the change.",
     "With \"neither ... nor\", the verb agrees with the nearer subject, here the plural \"employees\"."),
    ("The affect of the new policy on small businesses are still unclear.",
     "The effect of the new policy on small businesses is still unclear.",
     "\"Effect\" is the noun, and the subject is \"effect\" (singular), not \"businesses\", so it takes \"is\"."),
]

WORDY_PAIRS = [
    ("Due to the fact that the server was down for maintenance, we made the decision to postpone the launch until a later date.",
     "Because the server was down for maintenance, we postponed the launch.",
     "\"Due to the fact that\" becomes \"because\", and \"made the decision to postpone\" becomes \"postponed\"."),
    ("At this point in time, we are not in a position to offer a refund for the purchase that you made.",
     "We can't refund your purchase at the moment.", "\"At this point in time\" and \"not in a position to\" are padding."),
    ("In the event that you have any questions or concerns, please do not hesitate to reach out to me.",
     "If you have any questions, please get in touch.", "\"In the event that\" is just \"if\"."),
    ("It is important to note that the majority of the participants in the study were over the age of 65.",
     "Most of the study's participants were over 65.", "Cut the throat-clearing opener and use \"most\"."),
    ("The new software has the ability to process a large number of requests in a very short period of time.",
     "The new software can process many requests quickly.", "\"Has the ability to\" is \"can\"."),
    ("We are currently in the process of reviewing all of the applications that have been submitted to us.",
     "We are reviewing all submitted applications.", "\"Currently in the process of\" adds nothing to \"are reviewing\"."),
    ("For the purpose of improving customer satisfaction, the team will be conducting a survey on a monthly basis.",
     "To improve customer satisfaction, the team will run a monthly survey.", "\"On a monthly basis\" is \"monthly\"."),
    ("In my personal opinion, I think that the proposal is basically a good idea that is worth pursuing.",
     "I think the proposal is worth pursuing.", "\"In my personal opinion\" and \"I think\" say the same thing twice."),
    ("The meeting, which was held on Tuesday, was attended by a total of twelve people who work in the marketing department.",
     "Twelve marketing staff attended Tuesday's meeting.", "Making the people the subject turns a passive sentence into an active one."),
    ("Despite the fact that it was raining, the event went ahead as planned and was a success in terms of attendance.",
     "Despite the rain, the event went ahead and was well attended.", "\"In terms of attendance\" becomes \"well attended\"."),
    ("It has come to our attention that a number of users have been experiencing difficulties when attempting to log in.",
     "Some users are having trouble logging in.", "Lead with the problem rather than with how you heard about it."),
    ("With regard to your request for additional information, please find attached the documents that you asked for.",
     "I've attached the documents you requested.", "The attachment itself makes \"with regard to your request\" redundant."),
]

TONE_PAIRS = [
    ("formal", "hey, can u send me the numbers from last week? need them asap for the meeting thx",
     "Hello, could you please send me last week's figures? I need them before the meeting. Thank you."),
    ("formal", "sorry i missed the call, was stuck in traffic. can we do tomorrow instead?",
     "I apologize for missing our call; I was delayed in traffic. Would tomorrow suit you instead?"),
    ("formal", "the app keeps crashing and honestly it's driving me nuts. fix it pls",
     "The application crashes repeatedly, which makes it very difficult to use. I would appreciate a fix as soon as possible."),
    ("formal", "cant make it friday, something came up. maybe next week?",
     "Unfortunately, I am unable to attend on Friday. Could we reschedule for next week?"),
    ("friendly", "Please be advised that the office will be closed on Monday due to the public holiday.",
     "Just a heads-up: the office is closed on Monday for the public holiday. Enjoy the long weekend!"),
    ("friendly", "Your submission has been received and will be reviewed in due course.",
     "Thanks for sending this in! We've got it and we'll take a look soon."),
    ("friendly", "Attendance at the quarterly planning session is mandatory for all team members.",
     "We need everyone at the quarterly planning session, so please save the date. Snacks provided!"),
    ("diplomatic", "Your report is full of mistakes and I can't use it.",
     "Thanks for the report. I spotted a number of errors that need fixing before I can use it; could we go through them together?"),
    ("diplomatic", "No, we're not doing that feature. It's a waste of time.",
     "We've decided not to prioritize that feature right now, as other work will have more impact. Happy to revisit it next quarter."),
    ("diplomatic", "You missed the deadline again.",
     "I noticed the deadline slipped again. Is something getting in the way, and how can I help?"),
    ("confident", "I think maybe I could possibly be a good fit for this role, if that's okay.",
     "I'm confident I'd be a strong fit for this role."),
    ("confident", "Sorry to bother you, but I was just wondering if you might have had a chance to look at my proposal?",
     "I'm following up on the proposal I sent last week. Do you have any questions I can answer?"),
]

GRAMMAR_RULES = [
    ("who versus whom", ["Is it 'who' or 'whom'?"], """
Use "who" for the subject of a verb and "whom" for the object.
A quick test is to answer the question with he or him: if "him" fits, use "whom".
"Who wrote this?" becomes "He wrote this", but "To whom did you send it?" becomes "I sent it to him".
In casual writing, "who" is widely accepted in both positions.
After a preposition, "whom" is still expected in formal writing."""),
    ("affect versus effect", ["Affect or effect?"], """
"Affect" is usually a verb meaning to influence: "The delay affected our schedule."
"Effect" is usually a noun meaning a result: "The delay had a big effect."
A handy memory aid: affect is the action, effect is the end result.
The exceptions are "effect" as a verb meaning to bring about, as in "effect change", and "affect" as a psychology term for displayed emotion."""),
    ("its versus it's", [], """
"It's" is always a contraction of "it is" or "it has".
"Its" is the possessive, like "his" or "her", and never takes an apostrophe.
Test by expanding the word: if "it is" or "it has" fits, write "it's".
"The company changed its logo" can't be read as "it is logo", so it needs "its"."""),
    ("fewer versus less", [], """
Use "fewer" with things you count one by one and "less" with amounts you measure.
So it's "fewer emails" but "less email", and "fewer calories" but "less sugar".
Time, money and distance are usually treated as amounts: "less than ten minutes", "less than 50 dollars".
The supermarket sign "10 items or less" is a famous exception that most people accept in casual use."""),
    ("semicolons", ["When should I use a semicolon?"], """
A semicolon joins two independent clauses that are closely related: "The results were late; the lab had lost power."
It can also separate list items that already contain commas.
Don't use one before a dependent clause or to introduce a list; that's a colon's job.
If in doubt, two separate sentences are always correct."""),
    ("the Oxford comma", ["Should I use the Oxford comma?"], """
The Oxford, or serial, comma is the comma before "and" or "or" at the end of a list of three or more: "red, white, and blue".
Style guides disagree: Chicago requires it, while AP style and many British publications leave it out.
Its main benefit is avoiding ambiguity, as in "I thanked my parents, Ana and Tom", which could name the parents.
Pick one approach and use it consistently."""),
    ("active versus passive voice", [], """
In the active voice, the subject performs the action: "The committee approved the budget."
In the passive voice, the subject receives it: "The budget was approved by the committee."
Active sentences are usually shorter and clearer, so most editors prefer them.
The passive is useful when the actor is unknown or unimportant: "The window was broken overnight."
Watch for passives that hide who is responsible, like "Mistakes were made.\""""),
    ("i.e. versus e.g.", [], """
"E.g." means "for example" and introduces one or more examples from a larger set.
"I.e." means "that is" and introduces a restatement or clarification.
"Bring a snack, e.g. fruit or nuts" gives options, while "Bring the essential item, i.e. your passport" names the one thing.
In American English both are usually followed by a comma."""),
    ("lay versus lie", [], """
"Lay" takes an object: you lay something down.
"Lie" doesn't: you lie down yourself.
The confusion comes from the past tense of "lie", which is "lay": "Yesterday I lay on the sofa."
The past tense of "lay" is "laid": "She laid the book on the table."
"Lie" in the sense of telling an untruth is a separate verb, with the past tense "lied"."""),
]

# ------------------------------------------------------------------------------------------------ physics
PHYSICS = [
    ("Newton's three laws of motion", ["What are Newton's laws?"], """
The first law says an object stays at rest or keeps moving in a straight line at constant speed unless a net force acts on it.
The second law says net force equals mass times acceleration, F = ma, so the same push accelerates a lighter object more.
The third law says forces come in pairs: push on a wall and the wall pushes back on you just as hard.
The paired forces act on different objects, which is why they don't cancel out.
Together they describe everything from car crashes to rocket launches, as long as speeds are far below the speed of light."""),
    ("why the sky is blue", ["Why is the sky blue?", "Why are sunsets red?"], """
Sunlight contains all visible wavelengths, and as it passes through the air it scatters off nitrogen and oxygen molecules.
Shorter wavelengths scatter far more strongly than longer ones; this Rayleigh scattering goes as the inverse fourth power of wavelength.
Blue light is scattered across the whole sky, so it reaches your eyes from every direction.
Violet scatters even more, but the sun emits less of it and our eyes are less sensitive to it.
At sunset, light crosses much more air, most of the blue is scattered away, and what's left looks red and orange."""),
    ("conservation of energy", [], """
Energy can't be created or destroyed, only converted from one form to another.
A roller coaster converts gravitational potential energy into kinetic energy on the way down and back again on the way up.
In real systems some energy always ends up as heat and sound through friction, so the coaster never climbs back to its starting height without a motor.
The total, including that heat, stays the same.
This is why perpetual motion machines are impossible."""),
    ("entropy", ["What is entropy, really?"], """
Entropy measures how many microscopic arrangements are consistent with what you observe on the large scale.
The second law of thermodynamics says the total entropy of an isolated system tends to increase.
That's why heat flows from hot to cold and why a broken egg doesn't reassemble itself.
Local decreases are possible, like water freezing in a freezer, but only by increasing entropy elsewhere, here through the heat the freezer dumps into the room.
It's often described as disorder, but counting arrangements is the more precise idea."""),
    ("buoyancy", ["Why does a steel ship float?"], """
An object in a fluid is pushed up by a force equal to the weight of the fluid it displaces; this is Archimedes' principle.
If that buoyant force exceeds the object's weight, it floats.
A steel ship floats because its hull displaces a large volume of water, making its average density lower than water's.
A submarine changes its buoyancy by pumping water into or out of ballast tanks.
Salt water is denser than fresh water, so things float a little higher in the sea."""),
    ("the difference between voltage and current", ["What's the difference between volts and amps?"], """
Voltage is the difference in electric potential between two points, the push that drives charge around a circuit.
Current is the rate at which charge actually flows, measured in amperes.
Resistance limits how much current flows for a given voltage, and Ohm's law ties them together: V = IR.
In the water-pipe analogy, voltage is pressure, current is flow rate, and resistance is how narrow the pipe is.
Power, the rate of energy use, is voltage times current."""),
    ("time dilation in special relativity", ["Does time really slow down when you move fast?"], """
Special relativity says a clock moving relative to you runs slow, as measured by you.
The effect is tiny at everyday speeds but becomes large close to the speed of light.
The factor is the Lorentz factor, 1 divided by the square root of 1 minus v²/c².
It has been measured with atomic clocks flown on aircraft and with fast-moving muons, which survive longer than they would at rest.
GPS satellites must correct for this and for the gravitational time dilation of general relativity."""),
    ("terminal velocity", [], """
As a falling object speeds up, air resistance grows, roughly with the square of its speed.
Eventually the drag equals the object's weight, the net force is zero, and the object stops accelerating.
That constant speed is terminal velocity.
A skydiver falling belly-down reaches roughly 55 m/s, about 200 km/h.
Opening a parachute greatly increases drag and lowers terminal velocity to a safe landing speed."""),
    ("momentum and collisions", ["Why do airbags work?"], """
Momentum is mass times velocity, and it's a vector, so direction matters.
In a closed system with no external forces, total momentum is conserved.
That's why a rifle recoils and why a rocket can accelerate in empty space by pushing exhaust backwards.
In collisions, momentum is always conserved even when kinetic energy isn't.
Impulse, force multiplied by time, equals the change in momentum, so airbags cut the force by stretching out the stopping time."""),
    ("how rainbows form", ["How does a rainbow form?"], """
A rainbow forms when sunlight enters raindrops, refracts, reflects off the back of each drop, and refracts again on the way out.
Different wavelengths bend by slightly different amounts, which spreads white light into its colours.
The main bow sits at about 42 degrees from the point directly opposite the sun.
That's why you only see a rainbow with the sun behind you.
A fainter secondary bow, with its colours reversed, comes from light reflecting twice inside the drops."""),
    ("why heavy and light objects fall at the same rate", ["Do heavier objects fall faster?"], """
Gravity pulls harder on heavier objects, but heavier objects also need more force to accelerate by the same amount.
The two effects cancel, so without air resistance everything falls with the same acceleration, about 9.8 m/s² near Earth's surface.
On Apollo 15, astronaut David Scott dropped a hammer and a feather on the Moon and they landed together.
On Earth, a feather falls slowly only because air resistance is large compared with its weight."""),
]

# ------------------------------------------------------------------------------------------------ fitness and gardening
FITNESS = [
    ("squatting with good form", ["How do I squat properly?"], """
Stand with your feet about shoulder-width apart and your toes turned out slightly.
Brace your core, then sit your hips back and down.
Keep your knees tracking in line with your toes; it's fine for them to travel past your toes.
Go as deep as you can while keeping a neutral spine, ideally until your hip crease is below your knee.
Drive up through the whole foot, not just the toes.
Film yourself from the side to check your form."""),
    ("learning the deadlift", ["How do I deadlift without hurting my back?"], """
Start with the bar over the middle of your foot, about an inch from your shins.
Hinge at the hips, grip the bar just outside your legs, and pull your shoulders back to take the slack out of the bar.
Keep your back flat and push the floor away with your legs rather than yanking with your arms.
Lock out by squeezing your glutes, without leaning back.
Lower the bar by pushing your hips back first, keeping it close to your legs.
Start light, because form breaks down long before your muscles give out."""),
    ("working up to a full push-up", ["I can't do a single push-up. Where do I start?"], """
If you can't do a full push-up yet, start with incline push-ups, hands on a bench or kitchen counter.
Lower the incline over the weeks as you get stronger.
Knee push-ups are another option, but keep a straight line from knees to head.
Aim for three sets of 8 to 12 reps before moving to a harder version.
Slow negatives, lowering yourself over three to five seconds, build strength quickly."""),
    ("progressive overload", ["How do I keep getting stronger?"], """
Progressive overload means gradually increasing the demand on your muscles so they keep adapting.
You can add weight, add reps, add sets, or slow the tempo.
A simple approach is double progression: pick a rep range like 8 to 12, and when you hit 12 on every set, add weight.
Small jumps of 1 to 2.5 kg are fine.
Tracking workouts in a notebook or app makes progress visible."""),
    ("rest days", ["How many rest days do I need?"], """
Muscles repair and grow during recovery, not during the workout itself.
Most people do well with at least one or two full rest days a week.
Training the same muscle group hard on consecutive days limits recovery, which is why split routines alternate body parts.
Light activity such as walking on rest days helps with soreness.
Persistent fatigue, poor sleep and stalled progress are signs you need more rest."""),
    ("how much protein to eat", ["How much protein do I need to build muscle?"], """
Research suggests about 1.6 grams of protein per kilogram of body weight a day is enough to maximize muscle gain for most people who lift.
Spreading it across three or four meals is a practical approach.
Good sources include eggs, dairy, meat, fish, legumes, tofu and tempeh.
Protein powder is convenient but not necessary.
People with kidney disease should talk to their doctor before eating much more protein."""),
    ("warming up before a workout", ["Should I stretch before lifting?"], """
Long static stretches right before lifting or sprinting can slightly reduce power output.
A dynamic warm-up works better: leg swings, walking lunges, arm circles and lighter sets of your first exercise.
Save longer static stretching for after the workout or a separate mobility session.
Five to ten minutes of warm-up is plenty for most sessions."""),
    ("going from couch to 5K", ["How do I start running if I'm out of shape?"], """
Start with run-walk intervals, such as 60 seconds of jogging and 90 seconds of walking, repeated for 20 minutes.
Run three times a week with a rest day between sessions.
Each week, lengthen the running intervals and shorten the walks.
Most beginner plans reach 30 minutes of continuous running in eight or nine weeks.
Go slowly enough that you could hold a conversation; pace comes later.
Shoes that fit well matter more than expensive ones."""),
    ("sore muscles after a workout", ["Why am I so sore two days after the gym?"], """
Delayed onset muscle soreness usually peaks 24 to 72 hours after a new or harder workout.
It comes from microscopic damage in the muscle and the repair that follows, not from lactic acid.
Gentle movement, sleep and enough protein help it pass.
It gets much milder as your body adapts to a routine.
Sharp pain, or pain in a joint rather than a muscle, is different and worth getting checked."""),
    ("HIIT versus steady-state cardio", ["Is HIIT better than jogging?"], """
High-intensity interval training alternates short bursts of hard effort with recovery, such as 30 seconds fast and 90 seconds easy.
It improves fitness in less time but is demanding and needs more recovery.
Steady-state cardio, like a 45-minute easy run or ride, is gentler and easy to do often.
Both improve cardiovascular health.
Mostly easy sessions with one or two hard ones a week works well for most people."""),
    ("doing a proper plank", [], """
Set your forearms on the floor with elbows under your shoulders and your body in a straight line from head to heels.
Squeeze your glutes and brace your abs so your hips don't sag.
Keep your neck neutral by looking at the floor just ahead of your hands.
Several sets of 20 to 40 seconds with good form beat one long, sagging hold.
Once that's easy, try lifting one foot or one arm."""),
]

GARDEN = [
    ("growing tomatoes", ["How do I grow tomatoes?", "Why are my tomatoes splitting?"], """
Tomatoes need at least six to eight hours of direct sun a day.
Plant them out after the last frost, once nights stay above about 10°C (50°F).
Bury the stem deeply, up to the first leaves, because tomatoes grow roots along buried stems.
Water deeply and consistently at the base; irregular watering causes split fruit and blossom end rot.
Stake or cage them early, before the plants get heavy.
On cordon (indeterminate) varieties, pinch out side shoots to focus energy on fruit."""),
    ("growing basil indoors", ["My basil keeps dying on the windowsill. Help?"], """
Basil needs a lot of light, so a south-facing window or 12 to 14 hours under a grow light is ideal.
Use a pot with drainage holes and let the top of the soil dry slightly between waterings.
Pinch off the top pair of leaves just above a leaf node regularly to make it bushy.
Remove flower buds as soon as they appear, because flowering makes the leaves bitter.
Keep it away from cold drafts; basil hates temperatures below about 10°C."""),
    ("starting a compost pile", ["How do I start composting at home?"], """
Aim for roughly two to three parts brown material, like dry leaves, cardboard and straw, to one part green material, like vegetable scraps and grass clippings.
Keep the pile about as damp as a wrung-out sponge.
Turning it every week or two adds oxygen and speeds things up.
Leave out meat, dairy and oily food, which attract pests.
A well-managed pile can give finished compost in two to six months, and it should smell earthy, not sour."""),
    ("spotting and fixing overwatering", ["How can I tell if I'm overwatering my plants?"], """
Yellowing lower leaves, soft stems and soil that stays wet for days are classic signs of overwatering.
Fungus gnats around the pot are another clue.
Push a finger a few centimetres into the soil before you water.
Make sure the pot has drainage holes and never leave it sitting in a saucer of water.
If the roots are brown and mushy, trim them off and repot into fresh, dry mix."""),
    ("dealing with aphids", ["How do I get rid of aphids naturally?"], """
Small infestations can be knocked off with a strong spray of water from the hose.
Insecticidal soap or a dilute neem oil spray works on contact, so cover the undersides of the leaves.
Ladybirds, lacewings and hoverflies eat aphids, so avoid broad-spectrum pesticides that kill them too.
Check new growth regularly, since aphids cluster on tender shoots.
Too much nitrogen fertilizer produces soft growth that aphids love."""),
    ("building raised garden beds", ["Are raised beds worth it?"], """
Raised beds warm up faster in spring, drain well and save your back.
A height of 25 to 30 cm (10 to 12 inches) is enough for most vegetables.
Keep beds no wider than about 1.2 metres (4 feet) so you can reach the middle without stepping on the soil.
Fill them with a mix of topsoil and compost rather than pure potting mix.
Untreated cedar or larch lasts for years without chemical treatments."""),
    ("pruning roses", ["When and how should I prune my roses?"], """
Most repeat-flowering roses are pruned in late winter or early spring, as the buds begin to swell.
Start by removing dead, damaged and crossing stems.
Cut the remaining canes back by a third to a half, just above an outward-facing bud, with a sloping cut.
Use clean, sharp secateurs so you don't crush the stems.
Once-flowering ramblers are different: prune them right after they finish flowering."""),
    ("caring for succulents", ["How often should I water succulents?"], """
Succulents need bright light and infrequent, deep watering.
Water thoroughly, then wait until the soil is completely dry, which may mean every two to three weeks in summer and less in winter.
Use a gritty, fast-draining mix, such as cactus soil with added perlite or pumice.
Stretched, pale growth means the plant needs more light.
Most succulents rot from overwatering long before they suffer from drought."""),
    ("planting garlic", ["When do I plant garlic?"], """
Plant garlic in autumn, a few weeks before the ground freezes, so the cloves can root before winter.
Split the bulb and plant the cloves pointy end up, about 5 cm (2 inches) deep and 15 cm (6 inches) apart.
Use the biggest cloves, because they grow the biggest bulbs.
Mulch with straw in cold areas.
Harvest in early to mid summer, when the lower leaves have browned but several upper leaves are still green."""),
    ("starting seeds indoors", ["Why are my seedlings so leggy?"], """
Start most vegetable seeds six to eight weeks before your last frost date.
Use a light, sterile seed-starting mix rather than garden soil.
Keep the mix moist but not soggy, and give warmth-loving crops like peppers some bottom heat.
Once seedlings emerge they need strong light; a window is rarely enough, and a simple LED grow light a few centimetres above them stops leggy growth.
Harden them off by putting them outside for a few hours a day over a week before transplanting."""),
    ("keeping a lawn healthy", ["How do I get a thicker lawn?"], """
Mow high, leaving the grass about 6 to 8 cm (2.5 to 3 inches) tall, which shades out weeds and encourages deeper roots.
Never take more than a third of the blade off at once.
Water deeply and infrequently, about 2.5 cm (1 inch) a week, early in the morning.
Leave the clippings on the lawn to return nutrients.
Overseed thin patches in early autumn while the soil is still warm."""),
    ("repotting houseplants", ["How do I know when to repot a plant?"], """
Repot when roots circle the bottom of the pot or grow out of the drainage holes, usually every one to two years.
Spring and early summer are best, while the plant is actively growing.
Choose a pot only 2 to 5 cm (1 to 2 inches) wider than the current one; extra soil stays wet and invites rot.
Loosen the root ball gently and trim any dead or mushy roots.
Water well afterwards and keep the plant out of harsh sun for a week."""),
]

# ------------------------------------------------------------------------------------------------ SQL and music concepts
SQL_CONCEPTS = [
    ("WHERE versus HAVING", ["What's the difference between WHERE and HAVING?"], """
WHERE filters individual rows before any grouping happens.
HAVING filters groups after GROUP BY and the aggregates have been computed.
So `WHERE status = 'paid'` keeps certain orders, while `HAVING COUNT(*) > 5` keeps customers with more than five of them.
You can't use an aggregate like SUM or COUNT in a WHERE clause.
Filtering as much as possible in WHERE is usually faster, because fewer rows reach the grouping step."""),
    ("INNER JOIN versus LEFT JOIN", ["When should I use a LEFT JOIN?"], """
An INNER JOIN returns only rows that have a match in both tables.
A LEFT JOIN returns every row from the left table, with NULLs in the right table's columns where there's no match.
Use a LEFT JOIN when missing matches matter, such as listing all customers including those with no orders.
A filter on the right table in the WHERE clause quietly turns a LEFT JOIN back into an INNER JOIN; put it in the ON clause instead.
Counting with `COUNT(o.id)` rather than `COUNT(*)` gives zero for customers without orders."""),
    ("database indexes", ["Why is my query slow, and would an index help?"], """
An index is a separate data structure, usually a B-tree, that lets the database find rows without scanning the whole table.
Indexes speed up WHERE filters, joins and ORDER BY on the indexed columns.
They slow down writes slightly and take disk space, so don't index everything.
A composite index on (a, b) helps queries that filter on a, or on a and b, but not on b alone.
Run EXPLAIN on the query to see whether an index is actually used."""),
    ("UNION versus UNION ALL", [], """
Both combine the results of two queries with the same number and types of columns.
UNION removes duplicate rows from the combined result.
UNION ALL keeps every row, duplicates included.
Because UNION has to sort or hash to find duplicates, UNION ALL is faster.
Use UNION ALL unless you actually need duplicates removed."""),
    ("common table expressions", ["What is a CTE and when would I use one?"], """
A common table expression is a named subquery defined with WITH at the start of a query.
It makes long queries easier to read by breaking them into named steps.
You can reference a CTE several times in the main query.
Recursive CTEs can walk hierarchies such as an org chart or a category tree.
In most modern databases a simple CTE performs about the same as the equivalent subquery."""),
    ("NULL handling", ["Why doesn't `WHERE column = NULL` work?"], """
NULL means unknown, so any comparison with it, even `NULL = NULL`, is unknown rather than true.
Use `IS NULL` and `IS NOT NULL` to test for it.
Aggregates like SUM and AVG skip NULLs, while COUNT(*) counts every row.
COALESCE returns the first non-NULL argument, which is handy for defaults.
`NOT IN` with a subquery that returns a NULL matches nothing, which is a classic source of bugs."""),
    ("window functions", ["What are window functions in SQL?"], """
A window function computes a value across a set of rows related to the current row, without collapsing them into one row like GROUP BY does.
The OVER clause defines the window, with optional PARTITION BY and ORDER BY.
ROW_NUMBER, RANK and DENSE_RANK number rows within each partition.
`SUM(amount) OVER (ORDER BY day)` gives a running total.
LAG and LEAD read values from the previous or next row, which makes period-over-period comparisons easy."""),
    ("transactions", ["What does a database transaction do?"], """
A transaction groups several statements so they succeed or fail together.
If anything goes wrong before COMMIT, a ROLLBACK undoes all of them.
The classic example is a transfer: debiting one account and crediting another must both happen or neither.
Isolation levels control what concurrent transactions can see of each other's uncommitted work.
Keep transactions short, because long ones hold locks and block other users."""),
]

MUSIC_CONCEPTS = [
    ("the circle of fifths", ["What is the circle of fifths used for?"], """
The circle of fifths arranges the twelve keys so that each is a perfect fifth above the previous one: C, G, D, A, E and so on.
Going clockwise adds one sharp to the key signature; going counterclockwise adds one flat.
Keys next to each other on the circle share all but one note, so modulating between them sounds smooth.
Each major key's relative minor sits alongside it, sharing the same key signature.
It's also a quick way to find common progressions, since many move around the circle."""),
    ("cadences", ["What's a cadence in music?"], """
A cadence is a chord progression that ends a phrase, a bit like punctuation in a sentence.
A perfect (authentic) cadence goes from V to I and sounds final.
A plagal cadence goes from IV to I, the familiar "amen" ending.
A half cadence ends on V and sounds unfinished, like a comma.
A deceptive cadence goes from V to vi, setting up a resolution and then swerving away."""),
    ("the Dorian mode", ["What is Dorian mode?"], """
Dorian is the mode you get by playing a major scale starting from its second note, for example D to D using only white keys.
It's a minor mode, but with a raised sixth compared with the natural minor scale.
That major sixth gives it a brighter, slightly jazzy or folky sound.
It's common in jazz, funk and a lot of rock and folk tunes.
Over a minor chord, try Dorian when the natural minor scale sounds too dark."""),
    ("6/8 versus 3/4 time", ["What's the difference between 3/4 and 6/8?"], """
Both have six eighth notes per bar, but they're grouped differently.
3/4 has three beats, each a quarter note, so you count 1-2-3.
6/8 has two beats, each a dotted quarter split into three eighths, so you count 1-2-3-4-5-6 with accents on 1 and 4.
3/4 is the feel of a waltz, while 6/8 has a lilting, rolling feel common in jigs and ballads."""),
    ("the ii-V-I progression", ["Why is ii-V-I so common in jazz?"], """
The ii-V-I is a chord progression built on the second, fifth and first degrees of a key, such as Dm7, G7, Cmaj7 in C major.
Each chord's root moves down a fifth to the next, which creates a strong pull toward the tonic.
The V7 chord contains a tritone that resolves inward to the tonic chord.
It's the backbone of most jazz standards, and learning it in all twelve keys is a classic practice routine."""),
    ("syncopation", [], """
Syncopation is putting emphasis where the listener doesn't expect it, usually on weak beats or between beats.
A common example is accenting the "and" between beats, or holding a note across the bar line.
It's central to funk, reggae, jazz, Latin music and a lot of pop.
Clapping on beats two and four while counting all four is an easy way to start feeling it."""),
    ("the tritone", ["Why does the tritone sound so tense?"], """
A tritone is an interval of three whole tones, or six semitones, exactly half an octave.
From C it's F sharp or G flat.
It sounds unstable, which is why it was once avoided in some older church music.
In a dominant seventh chord, the tritone between the third and the seventh is what pulls so strongly toward resolution."""),
    ("relative and parallel keys", ["What's the difference between a relative minor and a parallel minor?"], """
Relative keys share a key signature but have different tonics: C major and A minor use the same notes.
Parallel keys share a tonic but have different key signatures: C major and C minor.
You find the relative minor on the sixth degree of the major scale.
Borrowing chords from the parallel minor, like an F minor chord in C major, is a common way to add colour."""),
]

# ------------------------------------------------------------------------------------------------ the thin topic
ASTRONOMY = [
    ("Why does the Moon always show the same face to Earth?",
     ("The Moon is tidally locked: it rotates once on its axis in the same time it takes to orbit Earth, about 27.3 days. "
     "Early in its history, Earth's gravity raised tidal bulges in the Moon, and friction from those bulges slowed its "
     "spin until the two periods matched. We still see a little more than half the surface over time, about 59 percent, "
     "because of small wobbles called libration.")),
    ("What exactly is a light-year?",
     ("A light-year is a distance, not a time: how far light travels in one year, about 9.46 trillion kilometres. "
     "The nearest star beyond the Sun, Proxima Centauri, is about 4.2 light-years away. Astronomers often use parsecs "
     "instead; one parsec is about 3.26 light-years.")),
    ("How do I find the North Star?",
     ("Find the Big Dipper, the seven bright stars in Ursa Major. The two stars at the end of the dipper's bowl, Dubhe "
     "and Merak, are called the pointers. Follow the line from Merak through Dubhe about five times that distance and "
     "you reach Polaris, a moderately bright star at the end of the Little Dipper's handle. It isn't the brightest star "
     "in the sky, but it barely moves during the night.")),
    ("What's the difference between a meteor, a meteoroid and a meteorite?",
     ("A meteoroid is a small rocky or metallic body travelling through space. When it enters the atmosphere and burns "
     "up, the streak of light is a meteor, or shooting star. If any piece survives and lands on the ground, that piece "
     "is a meteorite.")),
    ("Why isn't Pluto a planet anymore?",
     ("In 2006 the International Astronomical Union defined a planet as a body that orbits the Sun, is massive enough to "
     "be pulled into a round shape, and has cleared its orbit of other debris. Pluto meets the first two but shares its "
     "orbital zone with many other Kuiper Belt objects, so it was reclassified as a dwarf planet. The discovery of Eris, "
     "a similar-sized object, was what forced the decision.")),
    ("What causes the phases of the Moon?",
     ("The Moon is always half lit by the Sun, but as it orbits Earth we see different amounts of that lit half. At new "
     "moon it sits roughly between us and the Sun, so the lit side faces away. As it moves around its orbit we see a "
     "waxing crescent, first quarter, waxing gibbous and then full moon, before it wanes again. A full cycle takes about "
     "29.5 days. Earth's shadow has nothing to do with phases; that only happens during a lunar eclipse.")),
    ("What is a black hole, in simple terms?",
     ("A black hole is a region where so much mass is packed into so small a space that nothing, not even light, can "
     "escape its gravity. The boundary beyond which escape is impossible is called the event horizon. Stellar black holes "
     "form when very massive stars collapse at the end of their lives. Most large galaxies, including the Milky Way, "
     "have a supermassive black hole at their centre; ours is called Sagittarius A*.")),
    ("Why do stars twinkle but planets mostly don't?",
     ("Stars are so far away that they appear as single points of light, and turbulence in our atmosphere bends that "
     "thin beam back and forth, making it flicker. Planets are much closer and show a tiny disc, so the flickering from "
     "different parts of the disc averages out. Near the horizon, where you look through more air, even planets can "
     "twinkle.")),
    ("What should I look for in a first telescope?",
     ("Aperture, the diameter of the main lens or mirror, matters most because it sets how much light you collect. A "
     "6 or 8 inch Dobsonian reflector is a popular first choice: simple to use and a lot of aperture for the money. Avoid "
     "cheap telescopes advertised by magnification, since high power with a small aperture just gives a dim, blurry "
     "image. A sturdy mount matters as much as the optics. Good binoculars are also a great, cheap way to start.")),
    ("How hot is the Sun?",
     ("The visible surface, the photosphere, is about 5,500°C. The core, where hydrogen fuses into helium, is around 15 "
     "million °C. Strangely, the outer atmosphere, the corona, is over a million degrees, far hotter than the surface; "
     "exactly why is still an active research question.")),
    ("What causes a solar eclipse?",
     ("A solar eclipse happens when the Moon passes directly between Earth and the Sun and casts its shadow on Earth. "
     "By coincidence, the Sun is about 400 times wider than the Moon but also about 400 times farther away, so they look "
     "almost the same size in our sky. That's why the Moon can just cover the Sun in a total eclipse. Eclipses don't "
     "happen every month because the Moon's orbit is tilted about 5 degrees relative to Earth's.")),
    ("How far away is the Moon?",
     ("On average the Moon is about 384,400 km from Earth. Its orbit is slightly elliptical, so the distance varies "
     "between roughly 363,000 and 405,000 km. Light takes about 1.3 seconds to make the trip. The Moon is also slowly "
     "drifting away, by about 3.8 cm a year.")),
]

# ------------------------------------------------------------------------------------------------ slop (planted)
# A slop answer makes the same rhetorical moves in the same order, each in one of several wordings, so slop rows
# sit together in embedding space while their exact wording (and MinHash overlap) varies. {s} appears only once.
SLOP_OPEN = [
    "As an AI language model, I don't have personal experiences or opinions, but I can certainly provide some general information about {s}.",
    "As an AI, I don't have personal feelings, but I'm happy to share some general insights about {s}.",
    "Great question! {S} is a fascinating and multifaceted topic that many people find intriguing.",
    "Certainly! Let's delve into the fascinating world of {s}.",
    "Absolutely! Navigating the complex landscape of {s} can be both challenging and rewarding.",
    "What a wonderful question! When it comes to {s}, there are many factors to consider.",
    "Of course! I'd be happy to help you explore {s} — a topic that is as rich as it is rewarding.",
]
SLOP_MOVES = [
    [  # hedge
        "It's important to note that everyone's situation is unique, and what works for one person may not work for another.",
        "It's worth noting that this is a complex and nuanced topic, and there is no one-size-fits-all answer.",
        "The answer may vary depending on a wide range of factors, including personal preferences and individual circumstances.",
        "It is important to remember that there is no right or wrong answer here, as every situation is different.",
        "Of course, the best approach will ultimately depend on a variety of factors and your unique circumstances.",
    ],
    [  # tapestry
        "This topic is a rich tapestry of ideas, techniques and traditions that have evolved over time.",
        "It is a vibrant tapestry woven from history, culture and human ingenuity.",
        "Delving deeper, we find that it is a testament to human creativity and the power of curiosity.",
        "At its core, it represents a beautiful intersection of knowledge, practice and personal growth.",
        "Throughout history, it has played a pivotal role in shaping the world as we know it.",
    ],
    [  # not X but Y
        "It's not just about finding the answer, but about the journey of growth and discovery along the way.",
        "Remember, this is not just a task, but an opportunity to learn and grow.",
        "It's not merely a skill — it's a journey that can enrich every aspect of your life.",
        "Ultimately, it is not about perfection, but about progress and embracing the process.",
        "This is not just information; it is a gateway to a deeper understanding of yourself and the world.",
    ],
    [  # holistic
        "By taking a balanced and holistic approach, you can unlock your full potential.",
        "Many experts agree that a thoughtful and intentional approach is key to success.",
        "By understanding the key principles, you can navigate this journey with confidence and clarity.",
        "Embracing a growth mindset can foster a deeper appreciation and help you truly thrive.",
        "Staying curious, patient and open-minded will empower you to make the most of this experience.",
    ],
    [  # disclaimer
        "Additionally, it is always a good idea to consult with a qualified professional before making any decisions.",
        "Please note that I do not have access to real-time information, so some details may be outdated.",
        "It is also crucial to be mindful of potential risks and to proceed with caution.",
        "As always, it's essential to do your own research and seek expert guidance where appropriate.",
        "Keep in mind that this information is for general purposes only and should not replace professional advice.",
    ],
]
SLOP_CLOSE = [
    "In conclusion, this is a multifaceted topic that requires careful consideration, patience and practice. I hope this helps!",
    "I hope this helps! Let me know if you have any other questions.",
    "In summary, by keeping these key points in mind, you'll be well on your way to success.",
    "Overall, the key takeaway is that there is no one-size-fits-all solution. Feel free to reach out if you need further assistance!",
    "Ultimately, the choice is yours, and it's important to do what feels right for you. Happy learning!",
    "In conclusion, embracing this journey can truly transform your life in meaningful ways. I hope you found this helpful!",
]
SLOP_REFUSAL = [
    ["I'm sorry, but I can't assist with that request.", "I'm sorry, but I'm unable to help with this.",
     "Unfortunately, I cannot provide an answer to this question."],
    ["As an AI language model, I must prioritize safety and ethical considerations.",
     "As an AI, it would not be appropriate for me to give a definitive answer on this topic.",
     "I'm not able to provide specific advice, as I am not a licensed professional."],
    ["Please consult a qualified expert who can take your individual circumstances into account.",
     "I would recommend reaching out to a qualified professional for personalized guidance.",
     "I don't have the ability to verify the accuracy of this information."],
    ["If you have any other questions, feel free to ask!", "Is there anything else I can help you with?",
     "Feel free to reach out if you need further assistance."],
]

# ------------------------------------------------------------------------------------------------ tables for computed rows
EVENTS = [  # (year, event, one-line detail)
    (1215, "King John agreed to the Magna Carta", "It limited royal power and later became a symbol of the rule of law."),
    (1347, "the Black Death reached Europe", "Within four years it had killed roughly a third of Europe's people."),
    (1453, "Constantinople fell to the Ottoman Empire", "It ended the Byzantine Empire, the eastern continuation of Rome."),
    (1492, "Columbus's first voyage reached the Caribbean", "It began lasting contact between Europe and the Americas."),
    (1517, "Martin Luther published his Ninety-five Theses", "It is usually taken as the start of the Protestant Reformation."),
    (1588, "the Spanish Armada was defeated", "England's victory protected it from invasion by Philip II of Spain."),
    (1648, "the Peace of Westphalia ended the Thirty Years' War", "It is often cited as a foundation of the modern state system."),
    (1687, "Isaac Newton published the Principia", "It set out the laws of motion and universal gravitation."),
    (1776, "the US Declaration of Independence was adopted", "Thirteen colonies declared themselves independent of Britain."),
    (1789, "the Bastille was stormed in Paris", "It became the symbolic start of the French Revolution."),
    (1815, "Napoleon was defeated at Waterloo", "It ended his rule and the Napoleonic Wars."),
    (1859, "Darwin published On the Origin of Species", "It presented the theory of evolution by natural selection."),
    (1865, "the American Civil War ended", "The Thirteenth Amendment abolished slavery the same year."),
    (1869, "the Suez Canal opened", "It cut the sea route between Europe and Asia by thousands of kilometres."),
    (1871, "Germany was unified as an empire", "Wilhelm I was proclaimed emperor at Versailles."),
    (1903, "the Wright brothers made the first powered flight", "The first flight at Kitty Hawk lasted about 12 seconds."),
    (1914, "World War I began", "It followed the assassination of Archduke Franz Ferdinand in Sarajevo."),
    (1917, "the Russian Revolution took place", "The Bolsheviks seized power in October of that year."),
    (1929, "the Wall Street Crash happened", "It helped trigger the Great Depression."),
    (1945, "World War II ended", "Germany surrendered in May and Japan in September."),
    (1947, "India and Pakistan became independent", "British rule ended with the partition of the subcontinent."),
    (1949, "the People's Republic of China was proclaimed", "Mao Zedong announced it in Beijing on 1 October."),
    (1957, "the Soviet Union launched Sputnik 1", "The first artificial satellite started the space race."),
    (1962, "the Cuban Missile Crisis took place", "It was the closest the Cold War came to nuclear war."),
    (1969, "Apollo 11 landed on the Moon", "Neil Armstrong and Buzz Aldrin walked on the surface."),
    (1989, "the Berlin Wall fell", "Germany was reunified less than a year later."),
    (1991, "the Soviet Union was dissolved", "Fifteen independent republics took its place."),
    (1994, "Nelson Mandela became president of South Africa", "He won the country's first fully democratic election."),
]

CROPS = [  # (crop, "indoors"/"direct", start weeks relative to last frost, spacing cm, (days lo, hi), note)
    ("tomatoes", "indoors", -7, 50, (60, 85), "Plant them out one to two weeks after the last frost, once nights stay above 10°C."),
    ("peppers", "indoors", -9, 45, (60, 90), "Peppers sulk in cold soil, so wait about two weeks after the last frost to plant out."),
    ("kale", "indoors", -6, 45, (55, 75), "Kale shrugs off light frost, so it can go out a couple of weeks before the last frost."),
    ("lettuce", "direct", -3, 25, (45, 60), "Sow a short row every two weeks for a steady supply."),
    ("carrots", "direct", -3, 5, (60, 80), "Keep the seedbed moist until they come up, which can take two to three weeks."),
    ("peas", "direct", -5, 5, (60, 70), "Give them netting or a trellis to climb."),
    ("spinach", "direct", -5, 12, (40, 50), "It bolts in hot weather, so sow early in spring or again in late summer."),
    ("radishes", "direct", -4, 5, (25, 30), "Pull them promptly; they turn woody if left too long."),
    ("bush beans", "direct", 1, 10, (50, 60), "Wait until the soil is about 16°C, or the seeds may rot."),
    ("zucchini", "direct", 1, 90, (45, 55), "One or two plants are plenty for most households."),
    ("cucumbers", "direct", 1, 30, (50, 70), "Grow them up a trellis to save space and keep the fruit clean."),
    ("beetroot", "direct", -3, 10, (50, 70), "Each seed is a cluster, so thin the seedlings to one per spot."),
    ("potatoes", "direct", -3, 30, (70, 120), "Earth up the stems as they grow so the tubers stay covered."),
]

EMAILS = {  # kind: (instruction templates, subject lines, openers, middles, closers); {x} slots filled per row
    "extension": (["Write a short email to {name} asking for an extension on {task}.",
                   "Help me ask {name} for more time on {task}. The reason is {reason}."],
                  ["Request for an extension on {task}", "{Task}: new deadline?"],
                  ["I'm writing to ask whether I could have a little more time for {task}.",
                   "I wanted to let you know early that {task} is running behind."],
                  ["Because of {reason}, I haven't been able to give it the attention it needs.",
                   "The rest of my work is on schedule, so this is the only thing affected.",
                   "I could hand it in by {day} instead, and I'll send what I have so far today if that helps."],
                  ["Thank you for considering this, and sorry for the short notice.",
                   "I appreciate your understanding."]),
    "thanks": (["Write a thank-you note to {name} for {favour}.", ("Draft a quick thank-you message to my colleague {name}, "
                "who helped by {favour}.")],
               ["Thank you!", "Thanks for {favour}"],
               ["I just wanted to say a proper thank you for {favour}.", "Thank you so much for {favour}."],
               ["It made a real difference: {result}.", "Because of your help, {result}.",
                "I know you had plenty on your own plate, which makes it mean even more."],
               ["I owe you one, and coffee is on me next week.", "Let me know whenever I can return the favour."]),
    "decline": (["Write a polite email declining an invitation to {event}.", ("Help me say no to {event} without "
                 "sounding rude. I can't make it because of {conflict}.")],
                ["Re: {Event}", "Sorry to miss {event}"],
                ["Thank you for inviting me to {event}.", "I was really pleased to be asked to {event}."],
                ["Unfortunately, {conflict} means I won't be able to attend.",
                 "I'd love to hear how it goes, and I hope there's another chance soon.",
                 "Please pass on my best wishes to everyone involved."],
                ["Thanks again for thinking of me.", "I hope it's a great success."]),
    "follow_up": (["Write a follow-up email after my interview for the {role} role at {company}.",
                   "Draft a thank-you email to send after a job interview with {name} at {company}."],
                  ["Thank you for today's interview", "Following up: {role} interview"],
                  ["Thank you for taking the time to speak with me about the {role} position.",
                   "I enjoyed our conversation about the {role} role at {company}."],
                  ["I especially appreciated hearing about {detail}.",
                   "Our conversation made me even more excited about joining the team.",
                   "If it would help, I'm happy to share more examples of my work."],
                  ["I look forward to hearing about the next steps.", "Please let me know if you need anything else from me."]),
}
EMAIL_SLOTS = {
    "name": ["Dr. Patel", "Ms. Okafor", "Daniel", "Professor Lindqvist", "Amira", "Mr. Chen", "Sofia", "Greg"],
    "task": ["the quarterly report", "my thesis chapter", "the grant application", "the design review slides",
             "the budget forecast", "my lab write-up"],
    "reason": ["a family emergency", "a bad bout of flu", "delays in getting the data", "a clash with a conference trip",
               "an unexpected house move", "a server outage that cost us two days"],
    "conflict": ["a family wedding that weekend", "a work trip I can't move", "a prior commitment",
                 "my daughter's school play", "a big deadline that week"],
    "favour": ["covering my shifts last week", "reviewing my slides at short notice", "staying late to fix the deployment",
               "introducing me to the data team", "taking notes while I was out sick", "lending me your camera"],
    "result": ["the client meeting went smoothly", "we shipped on time", "I could actually rest and recover",
               "the presentation landed well", "the project is back on track"],
    "event": ["the Friday offsite", "your book launch", "the panel on urban design", "Saturday's alumni dinner",
              "the regional sales summit", "the charity quiz night"],
    "role": ["data analyst", "junior product designer", "operations coordinator", "backend engineer", "marketing lead"],
    "company": ["Harbor Analytics", "Greenleaf Energy", "Bluepeak Studio", "Fernway Logistics", "Corvid Labs"],
    "detail": ["how the team plans its quarterly roadmap", "the move to a new data platform", "your mentoring programme",
               "the customer research you're starting", "how you measure product quality"],
    "day": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "the end of next week"],
}
