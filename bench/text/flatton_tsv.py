#!/usr/bin/env python3
"""Flatten the flatton Japanese keyphrase set for text_bench (stdlib json only).

Usage: flatton_tsv.py FLATTON_DIR OUT.tsv
One line per document: id, text (newlines as \\n), then one field per gold keyphrase group
(main_topic, angle, each essential_terms group), synonyms separated by '|'."""
import json
import os
import sys


def main():
    src, out = sys.argv[1], sys.argv[2]
    docs = json.load(open(os.path.join(src, "dataset.json"), encoding="utf-8"))
    labels = json.load(open(os.path.join(src, "label.json"), encoding="utf-8"))
    clean = lambda s: s.replace("\t", " ").replace("\r", "").replace("|", " ")
    with open(out, "w", encoding="utf-8") as f:
        for length in sorted(docs):
            lab = {d["sample_id"]: d for d in labels.get(length, [])}
            for d in docs[length]:
                g = lab.get(d["sample_id"])
                if not g:
                    continue
                groups = [g.get("main_topic") or [], g.get("angle") or []]
                groups += g.get("essential_terms") or []
                groups = ["|".join(clean(x) for x in grp) for grp in groups if grp]
                text = clean(d["text"]).replace("\n", "\\n")
                f.write("\t".join([length + "/" + d["sample_id"], text] + groups) + "\n")


if __name__ == "__main__":
    main()
