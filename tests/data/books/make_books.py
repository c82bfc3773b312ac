#!/usr/bin/python3
"""Writes the hand-made golden workbooks: features LibreOffice never writes.

shared.xlsx   shared formulas (relative, absolute, whole-column/row, off-grid shifts),
              an array formula, phonetic runs, rich-text runs, inline strings, cells and
              rows without r, error codes, t="d" dates, _xHHHH_ escapes, a custom number
              format, long numbers, and a sheet with a namespace prefix on every element
              reached through an absolute relationship target.
date1904.xlsx a book in the 1904 date system.

Usage: make_books.py OUTDIR.  Deterministic: fixed zip timestamps.
"""
import sys
import zipfile

NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
RNS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
PKG = 'http://schemas.openxmlformats.org/package/2006/relationships'
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def content_types(sheets, sst):
    parts = ''.join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, sheets + 1))
    if sst:
        parts += ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                  'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    return (HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + parts + '</Types>')


ROOT_RELS = (HEAD + f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{RNS}/'
             'officeDocument" Target="xl/workbook.xml"/></Relationships>')


def workbook(names, date1904=False):
    pr = '<workbookPr date1904="1"/>' if date1904 else '<workbookPr/>'
    sheets = ''.join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>'
                     for i, n in enumerate(names, 1))
    return (HEAD + f'<workbook xmlns="{NS}" xmlns:r="{RNS}">{pr}<sheets>{sheets}</sheets>'
            '</workbook>')


def workbook_rels(targets, sst):
    rels = ''.join(f'<Relationship Id="rId{i}" Type="{RNS}/worksheet" Target="{t}"/>'
                   for i, t in enumerate(targets, 1))
    n = len(targets)
    rels += f'<Relationship Id="rId{n + 1}" Type="{RNS}/styles" Target="styles.xml"/>'
    if sst:
        rels += (f'<Relationship Id="rId{n + 2}" Type="{RNS}/sharedStrings" '
                 'Target="sharedStrings.xml"/>')
    return HEAD + f'<Relationships xmlns="{PKG}">{rels}</Relationships>'


def styles(numfmts, xfs):
    nf = ''.join(f'<numFmt numFmtId="{i}" formatCode="{c}"/>' for i, c in numfmts)
    apply = ' applyNumberFormat="1"'
    x = ''.join(f'<xf numFmtId="{i}" fontId="0" fillId="0" borderId="0" xfId="0"'
                f'{apply if i else ""}/>' for i in xfs)
    return (HEAD + f'<styleSheet xmlns="{NS}"><numFmts count="{len(numfmts)}">{nf}</numFmts>'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
            f'borderId="0"/></cellStyleXfs><cellXfs count="{len(xfs)}">{x}</cellXfs>'
            '</styleSheet>')


def write(path, files):
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data.encode('utf-8'))


SST = [
    '<si><t>plain</t></si>',
    '<si><r><rPr><b/></rPr><t>bold</t></r><r><t xml:space="preserve"> run</t></r>'
    '<rPh sb="0" eb="1"><t>フリガナ</t></rPh><phoneticPr fontId="1"/></si>',
    '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si>',
    '<si><t>line_x000D_break_x005F_x0041_</t></si>',
]

SHEET1_ROWS = [
    # row 1: shared formula masters
    '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c>'
    '<c r="C1"><f t="shared" ref="C1:C4" si="0">A1+B1</f><v>3</v></c>'
    '<c r="D1"><f t="shared" ref="D1:F1" si="1">$A$1*A1+SUM($A1:A$1)+\'Sheet A1\'!B2&amp;"A1"</f>'
    '<v>0</v></c><c r="E1"><f t="shared" si="1"/><v>0</v></c><c r="F1"><f t="shared" si="1"/>'
    '<v>0</v></c><c r="G1"><f t="shared" ref="G1:G2" si="2">SUM(A:A)+SUM(1:1)+LOG10(B1)</f>'
    '<v>0</v></c><c r="H1"><f t="shared" ref="H1:I1" si="3">SUM(A:B)+SUM($A:B)</f><v>0</v></c>'
    '<c r="I1"><f t="shared" si="3"/><v>0</v></c>'
    '<c r="J1"><f t="shared" ref="J1:J2" si="4">A1048576+Sheet2!$B1+_xlfn.STDEV.S(A1)</f>'
    '<v>0</v></c><c r="K1"><f t="array" ref="K1:K2">A1:A2*2</f><v>2</v></c>'
    '<c r="M1"><f t="shared" ref="M1:N2" si="5">IF(TRUE,1E+5,A1)&amp;Table1[[#This Row],[B1]]'
    '&amp;売上!B1+\'It\'\'s A1\'!$A1+[1]Ext!C1+SUM(A:B!C1)</f>'
    '<v>0</v></c></row>',
    '<row r="2"><c r="A2"><v>10</v></c><c r="B2"><v>20</v></c><c r="C2"><f t="shared" si="0"/>'
    '<v>30</v></c><c r="G2"><f t="shared" si="2"/><v>0</v></c><c r="J2"><f t="shared" si="4"/>'
    '<v>0</v></c><c r="K2"><v>20</v></c><c r="L2"><v>5</v></c>'
    '<c r="N2"><f t="shared" si="5"/><v>0</v></c></row>',
    '<row r="3"><c r="C3"><f t="shared" si="0"/><v>0</v></c></row>',
    '<row r="4"><c r="C4"><f t="shared" si="0"/><v>0</v></c></row>',
    # row 6: cells without r; row 7 without r
    '<row r="6"><c><v>7</v></c><c t="s"><v>0</v></c><c r="E6"><v>9</v></c><c><v>10</v></c>'
    '</row>',
    '<row><c><v>70</v></c></row>',
    # row 8: inline strings
    '<row r="8"><c r="A8" t="inlineStr"><is><t>inline</t></is></c><c r="B8" t="inlineStr"><is>'
    '<r><t>rich</t></r><r><rPr><i/></rPr><t xml:space="preserve"> inline</t></r>'
    '<rPh sb="0" eb="1"><t>ignored</t></rPh></is></c></row>',
    # row 9: errors, booleans, shared strings, str, dates, formats
    '<row r="9"><c r="A9" t="e"><v>#REF!</v></c><c r="B9" t="e"><v>#SPILL!</v></c>'
    '<c r="C9" t="e"><f>A1:B1 B2:C2</f><v>#NULL!</v></c><c r="D9" t="b"><v>1</v></c>'
    '<c r="E9" t="s"><v>1</v></c><c r="F9" t="s"><v>2</v></c><c r="G9" t="s"><v>3</v></c>'
    '<c r="H9" t="str"><f>"x"&amp;"y"</f><v>xy</v></c><c r="I9" t="d"><v>2024-03-01T12:00:00</v>'
    '</c><c r="J9" s="2"><v>0.5</v></c><c r="K9" s="1"><v>45000</v></c><c r="L9" s="1"/></row>',
    # row 10: numbers that need care
    '<row r="10"><c r="A10"><v>1.5E-3</v></c><c r="B10"><v>-0</v></c>'
    '<c r="C10"><v>123456789012345678</v></c><c r="D10"><v>0.30000000000000004</v></c>'
    '<c r="E10"><v>4.9406564584124654E-324</v></c><c r="F10"><v>-123.456</v></c>'
    '<c r="G10"><v>999999999999999</v></c><c r="H10"><v>0.000001</v></c></row>',
]

SHEET1 = (HEAD + f'<worksheet xmlns="{NS}" xmlns:r="{RNS}"><cols>'
          '<col min="1" max="2" width="20.5" customWidth="1"/></cols><sheetData>'
          + ''.join(SHEET1_ROWS) + '</sheetData></worksheet>')

SHEET2 = (HEAD + f'<x:worksheet xmlns:x="{NS}"><x:sheetData><x:row r="1">'
          '<x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1"><x:v>5</x:v></x:c></x:row>'
          '</x:sheetData></x:worksheet>')


def shared_book(path):
    sst = (HEAD + f'<sst xmlns="{NS}" count="{len(SST)}" uniqueCount="{len(SST)}">'
           + ''.join(SST) + '</sst>')
    write(path, [
        ('[Content_Types].xml', content_types(2, True)),
        ('_rels/.rels', ROOT_RELS),
        ('xl/workbook.xml', workbook(['Shared', 'Prefixed'])),
        ('xl/_rels/workbook.xml.rels',
         workbook_rels(['worksheets/sheet1.xml', '/xl/worksheets/sheet2.xml'], True)),
        ('xl/styles.xml', styles([(164, '0.0%')], [0, 14, 164])),
        ('xl/sharedStrings.xml', sst),
        ('xl/worksheets/sheet1.xml', SHEET1),
        ('xl/worksheets/sheet2.xml', SHEET2),
    ])


def date1904_book(path):
    sheet = (HEAD + f'<worksheet xmlns="{NS}"><sheetData><row r="1">'
             '<c r="A1" s="1"><v>0</v></c><c r="B1" s="2"><v>43831.5</v></c></row>'
             '<row r="2"><c r="A2" s="1" t="d"><v>1904-01-02</v></c></row></sheetData>'
             '</worksheet>')
    write(path, [
        ('[Content_Types].xml', content_types(1, False)),
        ('_rels/.rels', ROOT_RELS),
        ('xl/workbook.xml', workbook(['Dates'], date1904=True)),
        ('xl/_rels/workbook.xml.rels', workbook_rels(['worksheets/sheet1.xml'], False)),
        ('xl/styles.xml', styles([(165, 'yyyy-mm-dd hh:mm')], [0, 14, 165])),
        ('xl/worksheets/sheet1.xml', sheet),
    ])


if __name__ == '__main__':
    out = sys.argv[1] if len(sys.argv) > 1 else '.'
    shared_book(f'{out}/shared.xlsx')
    date1904_book(f'{out}/date1904.xlsx')
