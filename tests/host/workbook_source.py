"""The source of the host-test workbooks: data sheets and formula cases.

build_workbooks.py turns this into cases.ods / cases.xlsx (and cases.json, the list of
cells to check) with LibreOffice and the add-in; test_addin.py also builds a workbook from
every registry formula's `example` at run time, so a new formula is covered without an edit
here.

Formulas are written in Excel syntax ('Sheet'!A1, ';' or ','); to_calc() gives the
LibreOffice API spelling ($'Sheet'.A1).  Cases whose formula is not in the registry are
left out, so this file never names a formula that does not exist yet.
"""

import math
import re

DATA = "Data"
CASES = "Cases"
JAPANESE = "売上 2024"  # a quoted sheet name with a space and non-ASCII characters

COMMENTS_EN = [
    "Great product, the battery lasts all day.",
    "Delivery was late and the box was damaged.",
    "Support answered quickly and solved my problem.",
    "Too expensive for what it does.",
    "The design is beautiful but the app keeps crashing.",
    "Not bad, but the service was slow.",
    "I love the new colours.",
    "Price is fair and quality is good.",
    "Arrived two weeks late. Very disappointed.",
    "Easy to use, even my parents manage.",
]
COMMENTS_JA = [
    "また利用したいです。",
    "配送が遅くてがっかりしました。",
    "デザインがとても良いです。",
    "価格が高すぎると思います。",
    "サポートの対応が丁寧でした。",
]


def _lcg(seed):
    state = seed
    while True:
        state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        yield (state >> 11) / float(1 << 53)


def data_sheet():
    """Cells of the Data sheet as {A1 ref: value}: a weekly KPI driven by three levers
    (rows 2..157), a 13-week scenario below it (rows 158..170) and comments in column A."""
    rnd = _lcg(20240601)
    cells = {"A1": "comment", "B1": "sales", "C1": "TV", "D1": "Search", "E1": "Price"}
    comments = COMMENTS_EN + COMMENTS_JA
    for i in range(40):
        cells["A%d" % (i + 2)] = comments[i % len(comments)]
    carry = 0.0
    for w in range(156):
        r = w + 2
        tv = round(1000 + 800 * next(rnd), 0) if (w // 6) % 2 == 0 else 0.0
        search = round(400 + 200 * next(rnd), 0)
        price = round(9.9 + 0.6 * (next(rnd) - 0.5), 2)
        carry = 0.5 * carry + tv
        season = 150 * math.sin(2 * math.pi * w / 52)
        sales = 5000 + season + 3.5 * math.sqrt(carry) * 10 + 1.2 * search \
            - 180 * (price - 9.9) + 120 * (next(rnd) - 0.5) + 4 * w
        cells["B%d" % r] = round(sales, 2)
        cells["C%d" % r], cells["D%d" % r], cells["E%d" % r] = tv, search, price
    for h in range(13):
        r = 158 + h
        cells["C%d" % r] = 1500.0 if h % 2 == 0 else 0.0
        cells["D%d" % r] = 500.0
        cells["E%d" % r] = 9.9
    return cells


def japanese_sheet():
    cells = {"A1": "コメント", "B1": "売上"}
    for i, c in enumerate(COMMENTS_JA + COMMENTS_JA):
        cells["A%d" % (i + 2)] = c
    rnd = _lcg(7)
    for i in range(60):
        cells["B%d" % (i + 2)] = round(200 + 30 * math.sin(i / 2.0) + 20 * next(rnd), 1)
    return cells


def cases_sheet():
    return {"A1": "text", "A2": "n/a", "B1": 5.0}


SHEETS = [(DATA, data_sheet), (CASES, cases_sheet), (JAPANESE, japanese_sheet)]

Q_JA = "'%s'" % JAPANESE

# (sheet, top-left cell, formula, array?, formulas it needs).  An array case gets an array
# range of the result's size (measured with the library when the workbook is built).
CASES_LIST = [
    # plain cells: a single-cell formula shows the top-left value of an array result
    (CASES, "D2", "=WS.DESCRIBE(Data!B2:B157)", False),
    (CASES, "D3", "=WS.SEASONALITY(Data!B2:B157)", False),
    (CASES, "D4", "=WS.FORECAST_MODEL(Data!B2:B121)", False),
    (CASES, "D5", "=WS.ABTEST(120, 1000, 150, 1000)", False),
    (CASES, "D6", "=WS.SENTIMENT(Data!A2)", False),
    (CASES, "D7", "=WS.SENTIMENT_LABEL(Data!A3)", False),
    (CASES, "D8", "=WS.TOPIC(Data!A4)", False),
    # array ranges
    (CASES, "F2", "=WS.DESCRIBE(Data!B2:B157)", True),
    (CASES, "I2", "=WS.FORECAST(Data!B2:B121; 12)", True),
    (CASES, "K2", "=WS.FORECAST_PI(Data!B2:B121; 12; 0.9)", True),
    (CASES, "O2", "=WS.FORECAST(Data!B2:B121; 6; 0; \"naive\")", True),
    (CASES, "Q2", "=WS.SENTIMENT(Data!A2:A11)", True),
    (CASES, "S2", "=WS.KEYWORDS(Data!A2:A41; 5)", True),
    (CASES, "W2", "=WS.SUMMARY(Data!A2:A41; 2)", True),
    (CASES, "Y2", "=WS.CONTRIBUTION(Data!B1:B157; Data!C1:E157)", True),
    (CASES, "AD2", "=WS.ABTEST(120; 1000; 150; 1000; 0.9)", True),
    # nested in SUM (checked against the sum of the library's array)
    (CASES, "D10", "=SUM(WS.DESCRIBE(Data!B2:B61))", False),
    (CASES, "D11", "=SUM(WS.FORECAST(Data!B2:B121; 12))", False),
    # errors
    (CASES, "D13", "=WS.DESCRIBE(A1:A2)", False),                 # text -> #VALUE!
    (CASES, "D14", "=WS.DESCRIBE(BZ1:BZ9)", False),               # blanks -> #N/A
    (CASES, "D15", "=WS.FORECAST(Data!B2:B121; -1)", False),      # #NUM!
    (CASES, "D16", "=WS.FORECAST(Data!B2:B121; \"twelve\")", False),  # #VALUE!
    (CASES, "D17", "=WS.FORECAST(Data!B2:B121; 3; 0; \"nonsense\")", False),
    (CASES, "D18", "=WS.ABTEST(10; 5; 1; 10)", False),
    (CASES, "F13", "=WS.DESCRIBE(B1)", True),                     # #DIV/0! inside
    # large inputs stay bounded: a million-row range, the largest horizon
    (CASES, "D22", "=WS.DESCRIBE(Data!B2:B1048576)", False),
    (CASES, "D23", "=WS.FORECAST(Data!B2:B121; 10000)", False),
    # the quoted Japanese sheet name, from another sheet and on the sheet itself
    (CASES, "D20", "=WS.DESCRIBE(%s!B2:B61)" % Q_JA, False),
    (CASES, "AK2", "=WS.SENTIMENT(%s!A2:A11)" % Q_JA, True),
    (CASES, "AM2", "=WS.FORECAST(%s!B2:B61; 4)" % Q_JA, True),
    (JAPANESE, "D2", "=WS.DESCRIBE(B2:B61)", True),
    (JAPANESE, "G2", "=WS.SENTIMENT_LABEL(A2:A11)", True),
    (JAPANESE, "I2", "=WS.TOPIC(A2:A11)", True),
]

_NAME = re.compile(r"\bWS\.([A-Z_][A-Z0-9_]*)", re.I)


def formulas_in(formula):
    return {"WS." + m.upper() for m in _NAME.findall(formula)}


def cases(registry_names):
    """CASES_LIST without the cases that call a formula the registry lacks."""
    names = set(registry_names)
    return [c for c in CASES_LIST if formulas_in(c[2]) <= names]


_SHEET_REF = re.compile(r"('(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_]*)!(\$?[A-Z]+\$?[0-9]+"
                        r"(?::\$?[A-Z]+\$?[0-9]+)?)")


def to_calc(formula):
    """The LibreOffice API spelling of an Excel-syntax formula: 'Sheet'!A1:B2 becomes
    $'Sheet'.A1:B2, argument separators ';', and inline arrays {1,2;3,4} {1;2|3;4}."""
    out, i, depth = [], 0, 0
    while i < len(formula):
        ch = formula[i]
        if ch == '"':
            j = formula.index('"', i + 1)
            while j + 1 < len(formula) and formula[j + 1] == '"':
                j = formula.index('"', j + 2)
            out.append(formula[i:j + 1])
            i = j + 1
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth and ch == ";":
            ch = "|"
        elif ch == ",":
            ch = ";"
        out.append(ch)
        i += 1
    return _SHEET_REF.sub(lambda m: "$%s.%s" % (m.group(1), m.group(2)), "".join(out))


def is_literal_only(formula):
    """True when a formula refers to no cell (a registry example like =WS.X({1;2}; 3))."""
    body = re.sub(r'"[^"]*"', '""', formula)
    return not re.search(r"(?<![A-Za-z_.])\$?[A-Z]{1,3}\$?[0-9]+", body)
