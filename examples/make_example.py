#!/usr/bin/python3
"""Make examples/marketing.xlsx, the bundled example workbook.

Three years of weekly sales with spend on three channels and a price, customer comments in
English and Japanese, and a Dashboard sheet of WS.* formulas (plain cells that spill, a
pre-sized array range, a nested call, a quoted Japanese sheet name) beside an ordinary
spreadsheet formula, and a "worldsheet" sheet listing the jobs `worldsheet report` runs.  The data are simulated with a fixed seed from a known model, so the
world model's answers can be checked against the truth written in the Truth sheet.

Run: /usr/bin/python3 examples/make_example.py   (needs python3-openpyxl)
"""
import datetime
import math
import os
import random

import openpyxl

rng = random.Random(20261128)
weeks = 156
start = datetime.date(2023, 1, 2)


def adstock(x, rate):
    out, carry = [], 0.0
    for v in x:
        carry = v + rate * carry
        out.append(carry)
    return out


def hill(x, half):
    return x / (x + half)


tv = [max(0.0, 8000 + 6000 * math.sin(i / 9.0) + rng.gauss(0, 2500)) if i % 13 < 9 else 0.0
      for i in range(weeks)]
search = [max(0.0, 5000 + 1500 * math.cos(i / 5.0) + rng.gauss(0, 800)) for i in range(weeks)]
social = [max(0.0, 3000 + rng.gauss(0, 1200)) for i in range(weeks)]
price = [round(19.9 + (2.0 if (i // 26) % 2 else 0.0) + rng.gauss(0, 0.3), 2) for i in range(weeks)]
truth = {"tv": (0.6, 9000.0, 30000.0), "search": (0.2, 4000.0, 26000.0),
         "social": (0.4, 3500.0, 12000.0)}
contrib = {}
for name, series in (("tv", tv), ("search", search), ("social", social)):
    rate, half, beta = truth[name]
    contrib[name] = [beta * hill(a, half) for a in adstock(series, rate)]
sales = []
for i in range(weeks):
    season = 1.0 + 0.15 * math.sin(2 * math.pi * i / 52.0) + 0.08 * math.cos(4 * math.pi * i / 52.0)
    base = (60000 + 120 * i) * season * (price[i] / 19.9) ** -1.2
    y = base + contrib["tv"][i] + contrib["search"][i] + contrib["social"][i]
    sales.append(round(y * (1 + rng.gauss(0, 0.03)), 2))

comments = [
    "Fast delivery and the quality is great, will order again!",
    "The price is too high for what you get.",
    "Support never answered my emails. Very disappointed.",
    "Love the new design, it looks premium.",
    "Not bad, but the app is confusing to use.",
    "Arrived broken. The packaging was terrible.",
    "Good value for money and easy to set up.",
    "The battery died after two weeks, poor quality.",
    "Customer service was friendly and solved my problem quickly.",
    "Shipping took three weeks, far too slow.",
    "Beautiful colour and it feels solid. Highly recommend.",
    "It works.",
    "Instructions were unclear and setup took an hour.",
    "Cheaper than the competition and better made.",
    "I returned it; the size was wrong and the refund was slow.",
    "Great product, terrible delivery.",
    "The interface is intuitive, my kids use it too.",
    "Overpriced. Not worth it.",
    "Excellent! Exactly as described :)",
    "Meh. Nothing special.",
    "配送が早くて助かりました。また利用したいです。",
    "値段が高すぎると思います。",
    "デザインがとてもかわいいです！",
    "サポートの対応が悪く、二度と買いません。",
    "品質は悪くないけど、説明書が分かりにくい。",
    "届いた商品が壊れていました。",
    "コスパが良くて満足しています。",
    "使いやすくて家族みんなで使っています。",
    "発送が遅すぎる。",
    "普通です。",
]
jp_comments = [c for c in comments if any(ord(ch) > 0x3000 for ch in c)]

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Sales"
ws.append(["Week", "Sales", "TV", "Search", "Social", "Price"])
for i in range(weeks):
    ws.append([start + datetime.timedelta(weeks=i), sales[i], round(tv[i], 2),
               round(search[i], 2), round(social[i], 2), price[i]])
for row in ws.iter_rows(min_row=2, max_col=1):
    row[0].number_format = "yyyy-mm-dd"
for col, width in zip("ABCDEF", (12, 12, 10, 10, 10, 8)):
    ws.column_dimensions[col].width = width

wc = wb.create_sheet("Comments")
wc.append(["Date", "Comment"])
for i, text in enumerate(comments):
    wc.append([start + datetime.timedelta(days=7 * i + 3), text])
    wc.cell(row=i + 2, column=1).number_format = "yyyy-mm-dd"
wc.column_dimensions["B"].width = 60

wj = wb.create_sheet("顧客の声")
wj.append(["コメント"])
for text in jp_comments:
    wj.append([text])
wj.column_dimensions["A"].width = 50

wt = wb.create_sheet("Truth")
wt.append(["Lever", "Carry-over", "Half saturation", "Max effect per week"])
for name in ("tv", "search", "social"):
    wt.append([name] + list(truth[name]))
wt.append(["price elasticity", -1.2])

d = wb.create_sheet("Dashboard", 0)
d["A1"] = "Weekly sales"
d["A2"] = "=WS.DESCRIBE(Sales!B2:B157)"          # a plain cell: spills 9×2
d["D1"] = "Next 13 weeks (forecast, lower, upper)"
d["D2"] = "=WS.FORECAST_PI(Sales!B2:B157, 13)"   # spills 13×3
d["H1"] = "Model"
d["H2"] = "=WS.FORECAST_MODEL(Sales!B2:B157)"
d["H4"] = "Seasonal period"
d["H5"] = "=WS.SEASONALITY(Sales!B2:B157)"
d["J1"] = "Channel contribution"
d["J2"] = "=WS.CONTRIBUTION(Sales!B2:B157, Sales!C2:E157)"
d["J8"] = "Best split of 20,000 per week"
d["J9"] = "=WS.PLAN(Sales!B2:B157, Sales!C2:E157, 20000)"
d["A13"] = "Total sales (ordinary formula)"
d["A14"] = "=SUM(Sales!B2:B157)"
d["A16"] = "Comment summary"
d["A17"] = "=WS.SUMMARY(Comments!B2:B31, 3)"
d["A21"] = "Topics"
d["A22"] = "=WS.TOPICS(Comments!B2:B31)"
d["A31"] = "Japanese comments: mean sentiment of the scores"
d["A32"] = "=WS.DESCRIBE(WS.SENTIMENT('顧客の声'!A2:A11))"  # nested, quoted Japanese name
d["H20"] = "Sentiment of each comment"
d["H21"] = "=WS.SENTIMENT_LABEL(Comments!B2:B31)"
d.formula_attributes["A32"] = {"t": "array", "ref": "A32:B40"}  # a pre-sized array range
d.column_dimensions["A"].width = 28
d.column_dimensions["J"].width = 14

# The jobs `worldsheet report` runs: one per row, the job in column A, key=value options after.
wr = wb.create_sheet("worldsheet")
wr.append(["job", "options"])
wr.append(["forecast", "range=Sales!B1:B157", "dates=Sales!A1:A157", "horizon=13"])
wr.append(["plan", "kpi=Sales!B1:B157", "levers=Sales!C1:F157", "kinds=spend,spend,spend,price",
           "budget=20000", "horizon=13"])
wr.append(["summarize", "range=Comments!B1:B31"])
for col in "ABCDEF":
    wr.column_dimensions[col].width = 24

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "marketing.xlsx")
wb.properties.created = datetime.datetime(2026, 1, 1)
wb.properties.modified = datetime.datetime(2026, 1, 1)
wb.save(out)
print("wrote", out)
