#!/usr/bin/env python3
"""Write worldsheet(1) from what the built command prints.

    mkman.py WORLDSHEET OUT.1 [EXAMPLES_DIR]

Every list in the page (commands, jobs and their options, formulas with their arguments,
examples and errors) comes from `WORLDSHEET --help`, `WORLDSHEET functions` and
`WORLDSHEET help NAME`, which come from the library's registry: a formula added there
appears here with no other edit.  Only the framing prose and the exit statuses are written
below.  The date is SOURCE_DATE_EPOCH's (set by dpkg-buildpackage), so the page depends on
its inputs only.
"""

import os
import re
import subprocess
import sys
import time


def run(exe, *args):
    out = subprocess.run([exe] + list(args), check=True, capture_output=True, text=True,
                         env=dict(os.environ, LC_ALL="C.UTF-8"))
    return out.stdout


def esc(text):
    """Text for a troff line: backslashes and hyphens escaped (so options and formulas
    copy and paste as typed), a leading control character neutralised."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    if text.startswith((".", "'")):
        text = "\\&" + text
    return text


def blocks(text):
    """Paragraphs of the help text: lists of lines split at blank lines."""
    out, cur = [], []
    for line in text.rstrip("\n").split("\n"):
        if line.strip():
            cur.append(line)
        elif cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


# "  name  description" (formula arguments) or "  --key VALUE  description" (job options).
ITEM = re.compile(r"^  (--\S+ \S+|\S+)\s+(\S.*)$")


def help_page(text, heading):
    """Render `worldsheet help NAME` output: its first line as `heading`, each
    "Header:" block by kind."""
    out = []
    parts = blocks(text)
    out.append(heading(parts[0][0]))
    for block in parts[1:]:
        head = block[0]
        if head in ("Arguments:", "Options:"):
            out.append(".RS")
            for line in block[1:]:
                m = ITEM.match(line)
                if m:
                    out += [".TP 14", "\\fI%s\\fR" % esc(m.group(1)), esc(m.group(2))]
                else:
                    out += [".br", esc(line.strip())]
            out.append(".RE")
        elif head == "Errors:":
            out += [".IP", "Errors:", ".RS"]
            for line in block[1:]:
                out += [".IP \\(bu 2", esc(line.strip())]
            out.append(".RE")
        elif head == "Example:":
            out += [".IP", "Example:", ".RS", ".nf"]
            out += [esc(line.strip()) for line in block[1:]]
            out += [".fi", ".RE"]
        else:
            # Summary and "Returns: ..." lines, or a section this script does not know:
            # kept, one line each.
            out.append(".IP")
            for i, line in enumerate(block):
                if i:
                    out.append(".br")
                out.append(esc(line.strip()))
    return out


def main(exe, dest, examples=None):
    version = run(exe, "--version").split()[-1]
    usage = run(exe, "--help")
    functions = run(exe, "functions")

    commands = []  # (synopsis, description)
    notes = []
    for line in usage.split("\n")[1:]:
        m = re.match(r"^  (worldsheet \S.*?)\s{2,}(\S.*)$", line)
        if m:
            commands.append((m.group(1), m.group(2)))
        elif line.strip() and commands:
            notes.append(line.strip())
    if not commands:
        sys.exit("mkman: no commands in '%s --help'" % exe)
    jobs = []
    for synopsis, _ in commands:
        m = re.match(r"^worldsheet (\S+) BOOK \[options\]", synopsis)
        if m:
            jobs.append(m.group(1))

    categories = []  # (category, [formula names])
    for line in functions.split("\n"):
        if not line.strip():
            continue
        if not line.startswith(" "):
            categories.append((line.strip(), []))
        elif categories:
            categories[-1][1].append(line.split()[0])
    if not categories:
        sys.exit("mkman: no formulas in '%s functions'" % exe)

    stamp = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    date = time.strftime("%Y-%m-%d", time.gmtime(stamp)) if stamp else ""

    out = [
        '.\\" -*- coding: UTF-8 -*-',
        '.\\" Written by packaging/mkman.py from the output of `worldsheet --help`,',
        '.\\" `worldsheet functions` and `worldsheet help NAME`; do not edit.',
        '.TH WORLDSHEET 1 "%s" "worldsheet %s" "User Commands"' % (date, esc(version)),
        ".SH NAME",
        "worldsheet \\- spreadsheet formulas for forecasting, marketing simulation and text"
        " analysis, in batch",
        ".SH SYNOPSIS",
        ".nf",
    ]
    out += ["\\fB%s\\fR" % esc(s) for s, _ in commands]
    out += [
        "\\fBworldsheet \\-\\-version\\fR",
        ".fi",
        ".SH DESCRIPTION",
        "\\fBworldsheet\\fR evaluates the formulas of the worldsheet library",
        "(\\fBWS.FORECAST\\fR, \\fBWS.SIMULATE\\fR, \\fBWS.SENTIMENT\\fR, ...) outside a",
        "spreadsheet: one formula at a time, every \\fBWS.*\\fR formula of a workbook, or a",
        "job that adds sheets with tables and charts to a copy of a workbook.",
        "The same formulas are available in LibreOffice Calc through the worldsheet add-in",
        "and to C programs through \\fIlibworldsheet\\fR (\\fBpkg\\-config worldsheet\\fR).",
        ".PP",
        esc(" ".join(notes)),
        ".SH COMMANDS",
    ]
    for synopsis, description in commands:
        out += [".TP", "\\fB%s\\fR" % esc(synopsis), esc(description)]
    out += [".TP", "\\fBworldsheet \\-\\-version\\fR", "Print the version."]

    if jobs:
        out += [".SH JOBS",
                "Each job reads BOOK and writes OUT.xlsx: every sheet of BOOK and the job's"
                " new sheets."]
        for job in jobs:
            text = run(exe, "help", job)
            out.append(".SS %s" % esc(job))
            if text.startswith("worldsheet %s " % job):
                out += help_page(text, lambda line: ".nf\n\\fB%s\\fR\n.fi" % esc(line))
            else:
                # `help NAME` answered with a formula of the same name: the job's own line
                # from --help is all there is.
                for synopsis, description in commands:
                    if synopsis.startswith("worldsheet %s " % job):
                        out += [".nf", "\\fB%s\\fR" % esc(synopsis), ".fi", ".IP",
                                esc(description)]

    out += [".SH FORMULAS",
            "The formulas by family, as \\fBworldsheet functions\\fR lists them; ranges and",
            "arrays are written as in a spreadsheet (\\fB{1;2;3}\\fR is a column)."]
    for category, names in categories:
        out.append(".SS %s" % esc(category))
        for name in names:
            text = run(exe, "help", name)
            out += help_page(text, lambda line: ".TP 4\n\\fB%s\\fR" % esc(line))

    out += [
        ".SH EXIT STATUS",
        ".TP", "0", "Done, even when a cell holds an error value.",
        ".TP", "1", "Usage error: an unknown command, option, formula or job.",
        ".TP", "2", "Unreadable input or unwritable output.",
        ".SH EXAMPLES",
        ".nf",
        esc("worldsheet calc '=WS.DESCRIBE({1;2;4;8})'"),
        esc("worldsheet calc -w marketing.xlsx '=WS.DESCRIBE(Sales!B2:B157)'"),
        esc("worldsheet run marketing.xlsx -o out.xlsx --values"),
        ".fi",
    ]
    if examples:
        out += [".PP", "\\fImarketing.xlsx\\fR is installed in \\fI%s\\fR." % esc(examples)]
    out += [
        ".SH SEE ALSO",
        "\\fBsoffice\\fR(1), \\fBpkg\\-config\\fR(1)",
    ]
    tmp = dest + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    os.replace(tmp, dest)


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    main(*sys.argv[1:])
