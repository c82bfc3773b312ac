#!/usr/bin/env python3
"""Write the hand-made .ods test files of the ODS reader into a folder (default: beside
this script).  Run by make.sh; the outputs are committed.  Each file is a minimal ODS:
mimetype + content.xml (+ styles.xml or a manifest where the case needs one).

Expected readings are in test_ods.c."""
import os
import sys
import zipfile

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document-content'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"'
        ' xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"'
        ' xmlns:xlink="http://www.w3.org/1999/xlink"'
        ' xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"'
        ' office:version="1.3">')
TAIL = '</office:document-content>'


def body(tables, styles=''):
    return (HEAD + '<office:automatic-styles>' + styles + '</office:automatic-styles>'
            '<office:body><office:spreadsheet>' + tables +
            '</office:spreadsheet></office:body>' + TAIL)


def cell(value=None, text=None, extra=''):
    if value is not None:
        return ('<table:table-cell office:value-type="float" office:value="%s"%s>'
                '<text:p>%s</text:p></table:table-cell>' % (value, extra, value))
    return ('<table:table-cell office:value-type="string"%s><text:p>%s</text:p>'
            '</table:table-cell>' % (extra, text))


def write(folder, name, content, extra=None):
    path = os.path.join(folder, name)
    # Fixed timestamps: the outputs are byte-identical from run to run.
    with zipfile.ZipFile(path, 'w') as z:
        info = zipfile.ZipInfo('mimetype', date_time=(2024, 1, 1, 0, 0, 0))
        z.writestr(info, 'application/vnd.oasis.opendocument.spreadsheet',
                   compress_type=zipfile.ZIP_STORED)
        entries = {'content.xml': content}
        entries.update(extra or {})
        for entry, data in entries.items():
            info = zipfile.ZipInfo(entry, date_time=(2024, 1, 1, 0, 0, 0))
            z.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    folder = os.path.join(folder, 'hostile')
    os.makedirs(folder, exist_ok=True)

    # A million empty rows and 16,380 empty columns: offsets only.  Values at A1, at
    # XFA2 (after the empty columns) and at A1048003 (after the empty rows).
    write(folder, 'bomb_rows.ods', body(
        '<table:table table:name="Bomb">'
        '<table:table-column table:number-columns-repeated="16384"/>'
        '<table:table-row>' + cell(1) + '</table:table-row>'
        '<table:table-row><table:table-cell table:number-columns-repeated="16380"/>' +
        cell(2) + '<table:table-cell table:number-columns-repeated="3"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>' +
        '<table:table-row>' + cell(text='end') + '</table:table-row>'
        '<table:table-row table:number-rows-repeated="573">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
        '</table:table>'))

    # Empty repeats far past the grid (2 x 10^14 rows in all): still nothing to do...
    many = ''.join('<table:table-row table:number-rows-repeated="999999999999">'
                   '<table:table-cell table:number-columns-repeated="99999999999"/>'
                   '</table:table-row>' for _ in range(200))
    write(folder, 'bomb_far.ods', body(
        '<table:table table:name="Far"><table:table-row>' + cell(5) +
        '</table:table-row>' + many + '</table:table>'))
    # ...until a value comes after them: a row-limit error.
    write(folder, 'bomb_far_value.ods', body(
        '<table:table table:name="Far">' + many +
        '<table:table-row>' + cell(5) + '</table:table-row></table:table>'))

    # One non-empty cell repeated over the whole grid (17 billion cells): a limit error
    # before anything is allocated.
    write(folder, 'bomb_value.ods', body(
        '<table:table table:name="Full"><table:table-row table:number-rows-repeated="1048576">' +
        cell(7, extra=' table:number-columns-repeated="16384"') +
        '</table:table-row></table:table>'))
    # A smaller repeated value: 3 rows x 4 columns, materialised.
    write(folder, 'repeat_value.ods', body(
        '<table:table table:name="Rep"><table:table-row table:number-rows-repeated="3">' +
        cell(7, extra=' table:number-columns-repeated="4"') +
        '</table:table-row><table:table-row>' + cell(text='after') +
        '</table:table-row></table:table>'))

    # Billion laughs behind a DOCTYPE.
    laughs = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
              '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
              '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
              '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
              ']>\n' + body('<table:table table:name="X"><table:table-row>' +
                            cell(text='&lol4;') + '</table:table-row></table:table>')
              .split('\n', 1)[1])
    write(folder, 'doctype.ods', laughs)

    # Bad numbers in attributes.
    write(folder, 'bad_repeat.ods', body(
        '<table:table table:name="X"><table:table-row table:number-rows-repeated="-5">' +
        cell(1) + '</table:table-row></table:table>'))
    write(folder, 'bad_value.ods', body(
        '<table:table table:name="X"><table:table-row>'
        '<table:table-cell office:value-type="float" office:value="0x1p3"/>'
        '</table:table-row></table:table>'))
    write(folder, 'bad_date.ods', body(
        '<table:table table:name="X"><table:table-row>'
        '<table:table-cell office:value-type="date" office:date-value="2024-13-01"/>'
        '</table:table-row></table:table>'))
    # text:s asking for 10^9 spaces: the text limit, not 1 GB of memory.
    write(folder, 'bomb_spaces.ods', body(
        '<table:table table:name="X"><table:table-row>'
        '<table:table-cell office:value-type="string"><text:p>a<text:s text:c="1000000000"/>'
        '</text:p></table:table-cell></table:table-row></table:table>'))
    # Two sheets with one name; a text document; no content.xml; encrypted.
    write(folder, 'dup_sheet.ods', body(
        '<table:table table:name="Same"/><table:table table:name="same"/>'))
    write(folder, 'text_doc.ods', HEAD + '<office:body><office:text><text:p>hi</text:p>'
          '</office:text></office:body>' + TAIL)
    with zipfile.ZipFile(os.path.join(folder, 'no_content.ods'), 'w') as z:
        z.writestr(zipfile.ZipInfo('mimetype', date_time=(2024, 1, 1, 0, 0, 0)),
                   'application/vnd.oasis.opendocument.spreadsheet')
    write(folder, 'encrypted.ods', 'not xml at all: encrypted bytes',
          {'META-INF/manifest.xml':
           '<?xml version="1.0" encoding="UTF-8"?>'
           '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
           'manifest:1.0"><manifest:file-entry manifest:full-path="content.xml">'
           '<manifest:encryption-data manifest:checksum="x"/></manifest:file-entry>'
           '</manifest:manifest>'})
    # Not a zip at all, and a truncated one.
    with open(os.path.join(folder, 'not_zip.ods'), 'wb') as f:
        f.write(b'PK\x03\x04 this is not really a zip archive' * 10)
    with open(os.path.join(folder, 'repeat_value.ods'), 'rb') as f:
        data = f.read()
    with open(os.path.join(folder, 'truncated.ods'), 'wb') as f:
        f.write(data[:len(data) // 2])

    # Text and formula details LibreOffice does not produce from a .fods source.
    styles = (
        '<number:date-style style:name="D1" number:automatic-order="true">'
        '<number:month number:style="long" number:textual="true"/><number:text> </number:text>'
        '<number:day/><number:text>, </number:text><number:year number:style="long"/>'
        '</number:date-style>'
        '<number:time-style style:name="T1" number:truncate-on-overflow="false">'
        '<number:hours/><number:text>:</number:text><number:minutes number:style="long"/>'
        '<number:text>:</number:text><number:seconds number:style="long" '
        'number:decimal-places="2"/></number:time-style>'
        '<number:currency-style style:name="C1P0" style:volatile="true">'
        '<number:currency-symbol>€</number:currency-symbol><number:text> </number:text>'
        '<number:number number:decimal-places="2" number:min-decimal-places="2" '
        'number:min-integer-digits="1" number:grouping="true"/></number:currency-style>'
        '<number:currency-style style:name="C1"><number:text>-</number:text>'
        '<number:currency-symbol>€</number:currency-symbol><number:text> </number:text>'
        '<number:number number:decimal-places="2" number:min-decimal-places="2" '
        'number:min-integer-digits="1" number:grouping="true"/>'
        '<style:map style:condition="value()&gt;=0" style:apply-style-name="C1P0"/>'
        '</number:currency-style>'
        '<number:number-style style:name="S1"><number:scientific-number '
        'number:decimal-places="3" number:min-integer-digits="1" '
        'number:min-exponent-digits="2"/></number:number-style>'
        '<number:number-style style:name="Q1"><number:text>"x"</number:text>'
        '<number:number number:decimal-places="1" number:min-integer-digits="1"/>'
        '</number:number-style>'
        '<style:style style:name="base" style:family="table-cell" '
        'style:data-style-name="D1"/>'
        '<style:style style:name="child" style:family="table-cell" '
        'style:parent-style-name="base"/>'
        '<style:style style:name="loop1" style:family="table-cell" '
        'style:parent-style-name="loop2"/>'
        '<style:style style:name="loop2" style:family="table-cell" '
        'style:parent-style-name="loop1"/>'
        '<style:style style:name="time" style:family="table-cell" '
        'style:data-style-name="T1"/>'
        '<style:style style:name="money" style:family="table-cell" '
        'style:data-style-name="C1"/>'
        '<style:style style:name="sci" style:family="table-cell" '
        'style:data-style-name="S1"/>'
        '<style:style style:name="quote" style:family="table-cell" '
        'style:data-style-name="Q1"/>'
        '<style:style style:name="wide" style:family="table-column">'
        '<style:table-column-properties style:column-width="50mm"/></style:style>')
    formulas = [
        # (formula attribute as written in the file, expected conversion: in test_ods.c)
        'of:=SUM([.A1:.B2];{1;2|3;4};"x;y|z")',
        "of:=[$'Bob''s'.A1:'Other'.B2]+['It''s'.$C$3]",
        "of:=[$Sheet2.A1:.B2]+[$AB12.A1]+[$'Sheet 1'.A1:.A9]",
        'of:=[#REF!]+[.#REF!A1]+[\'file:///x.ods\'#$Sheet1.A1]',
        'of:=IF(ISNA(#N/A);1;0)+SUM([.A1]![.B2])+SUM([.A1]~[.B2])',
        'of:=[.A:.A]+SUM([.2:.3])',
        'msoxl:=SUM(A1:B2,1)',
        'oooc:=SUM([.A1];2)',
        'of:=SUM([.A1',
    ]
    rows = ['<table:table-row><table:table-cell table:formula="%s" '
            'office:value-type="float" office:value="1"/></table:table-row>'
            % f.replace('&', '&amp;').replace('"', '&quot;').replace('<', '&lt;')
            for f in formulas]
    write(folder, 'details.ods', body(
        '<table:table table:name="Details">'
        '<table:table-column table:style-name="wide" table:number-columns-repeated="2"/>'
        '<table:table-column table:number-columns-repeated="16382" '
        'table:default-cell-style-name="money"/>'
        '<table:table-row><table:table-cell office:value-type="string">'
        '<text:p>a<text:s text:c="3"/>b<text:tab/>c<text:line-break/>d '
        '<text:span>span</text:span> <text:a xlink:href="https://x/">link</text:a>'
        '<text:s/></text:p><text:p/><text:p>third<text:note><text:note-body><text:p>'
        'NOTE</text:p></text:note-body></text:note></text:p>'
        '<office:annotation><dc:creator>me</dc:creator><text:p>comment</text:p>'
        '</office:annotation></table:table-cell>'
        '<table:table-cell><text:p>no type</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string" office:string-value="attr">'
        '<text:p>shown</text:p></table:table-cell>'
        '<table:table-cell office:value-type="float" office:value="-1.5"/>'
        '</table:table-row>'
        '<table:table-row>'
        '<table:table-cell table:style-name="child" office:value-type="date" '
        'office:date-value="1900-03-01T06:00:00.5"/>'
        '<table:table-cell table:style-name="time" office:value-type="time" '
        'office:time-value="P1DT2H30M15.25S"/>'
        '<table:table-cell table:style-name="money" office:value-type="currency" '
        'office:currency="EUR" office:value="-1234.5"/>'
        '<table:table-cell table:style-name="sci" office:value-type="float" '
        'office:value="1.5E+300"/>'
        '<table:table-cell table:style-name="quote" office:value-type="float" '
        'office:value="2"/>'
        '<table:table-cell table:style-name="loop1" office:value-type="float" '
        'office:value="3"/>'
        '<table:table-cell office:value-type="date" office:date-value="2024-02-29"/>'
        '<table:table-cell office:value-type="date" '
        'office:date-value="2024-02-29T12:00:00Z"/>'
        '<table:table-cell office:value-type="time" office:time-value="-PT6H"/>'
        '<table:table-cell office:value-type="percentage" office:value="0.5"/>'
        '<table:table-cell office:value-type="boolean" office:boolean-value="false"/>'
        '<table:table-cell office:value-type="float" office:value="4"/>'
        '</table:table-row>'
        '<table:table-row>'
        '<table:table-cell table:formula="of:=1/0" office:value-type="string" '
        'office:string-value="" calcext:value-type="error"><text:p>#DIV/0!</text:p>'
        '</table:table-cell>'
        '<table:table-cell table:formula="of:=X()" office:value-type="string" '
        'office:string-value="" calcext:value-type="error"><text:p>Err:502</text:p>'
        '</table:table-cell>'
        '<table:table-cell table:formula="of:=&quot;&quot;" office:value-type="string" '
        'office:string-value="" calcext:value-type="string"><text:p/></table:table-cell>'
        '<table:table-cell table:formula="of:=[.Z99]"/>'
        '<table:covered-table-cell office:value-type="float" office:value="9"/>'
        '<table:table-cell><table:table table:name="Nested"><table:table-row>'
        '<table:table-cell office:value-type="float" office:value="1"/></table:table-row>'
        '</table:table></table:table-cell>'
        '<table:table-cell office:value-type="float" office:value="10"/>'
        '<table:table-cell table:formula="of:=WS.FIT([.A1:.A9])" office:value-type="string" '
        'office:string-value="" calcext:value-type="error"><text:p>Err:523</text:p>'
        '</table:table-cell>'
        '</table:table-row>' + ''.join(rows) +
        '</table:table>'
        '<table:table table:name="Grouped">'
        '<table:table-header-rows><table:table-row>' + cell(text='head') +
        '</table:table-row></table:table-header-rows>'
        '<table:table-row-group><table:table-row>' + cell(1) + '</table:table-row>'
        '<table:table-row>' + cell(2) + '</table:table-row></table:table-row-group>'
        '</table:table>'
        '<table:table table:name="Empty"/>', styles))


main()
