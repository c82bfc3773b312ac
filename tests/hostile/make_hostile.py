#!/usr/bin/env python3
"""The hostile corpus of issue 7, generated deterministically (no randomness without a fixed
seed, fixed zip timestamps), so that nothing large is committed.

    make_hostile.py OUTDIR            write every file into OUTDIR
    make_hostile.py OUTDIR NAME...    only these cases

Each case says what a safe reader must do with it (test_hostile.py checks it against the
worldsheet CLI):

    expect 'error'  exit status 2, and stderr matches every pattern of `says`
    expect 'ok'     exit status 0, and `check(cells)` of the output returns None
    expect 'either' one of the two (a documented reading or a clear refusal)

`args` are extra CLI options (lowered or raised limits).  Patterns that name a limit also
name the CLI flag that raises it, so the message tells the user what to do.
"""
import hashlib
import io
import os
import struct
import sys
import warnings
import zipfile
import zlib

NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
RNS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
PNS = 'http://schemas.openxmlformats.org/package/2006/relationships'
DATE = (1980, 1, 1, 0, 0, 0)

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="%s">'
             '<Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/>'
             '</Relationships>' % (PNS, RNS))
WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="%s">'
           '<Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/>'
           '<Relationship Id="rId2" Type="%s/sharedStrings" Target="sharedStrings.xml"/>'
           '</Relationships>' % (PNS, RNS, RNS))
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="%s" xmlns:r="%s">'
            '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
            % (NS, RNS))


def sheet_xml(rows):
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="%s"><sheetData>%s'
            '</sheetData></worksheet>' % (NS, rows))


def sst_xml(strings, count=None):
    n = len(strings) if count is None else count
    return ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="%s" count="%d" '
            'uniqueCount="%d">%s</sst>' % (NS, n, n, ''.join('<si><t>%s</t></si>' % s
                                                              for s in strings)))


# A small normal sheet: A1..A5 = 1..5, B1 = WS.DESCRIBE's mean-like formula, C1 = text.
NORMAL_ROWS = ''.join('<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i)
                      for i in range(1, 6))


def xlsx_parts(sheet, sst=None, extra=()):
    parts = [('[Content_Types].xml', CONTENT_TYPES), ('_rels/.rels', ROOT_RELS),
             ('xl/workbook.xml', WORKBOOK), ('xl/_rels/workbook.xml.rels', WB_RELS),
             ('xl/worksheets/sheet1.xml', sheet)]
    if sst is not None:
        parts.append(('xl/sharedStrings.xml', sst))
    parts.extend(extra)
    return [(n, d.encode() if isinstance(d, str) else d) for n, d in parts]


def write_zip(path, parts, method=zipfile.ZIP_DEFLATED):
    """A normal zip; duplicate names are written as given (zipfile warns, and allows it)."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        with zipfile.ZipFile(path, 'w') as z:
            for name, data in parts:
                info = zipfile.ZipInfo(name, DATE)
                info.compress_type = method
                z.writestr(info, data)


def raw_zip(path, entries):
    """A zip written by hand so that sizes, CRCs and methods can lie.  Each entry is a dict:
    name, data (the bytes as they sit in the file), method, crc, csize, usize, and optional
    'local_usize'/'local_csize' to make the local header disagree with the directory."""
    out = io.BytesIO()
    central = []
    for e in entries:
        name = e['name'].encode()
        off = out.tell()
        out.write(struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, 0, e['method'], 0, 0x21,
                              e['crc'], e.get('local_csize', e['csize']),
                              e.get('local_usize', e['usize']), len(name), 0))
        out.write(name)
        out.write(e['data'])
        central.append(struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 20, 20, 0, e['method'],
                                   0, 0x21, e['crc'], e['csize'], e['usize'], len(name), 0, 0,
                                   0, 0, 0, off) + name)
    cd_off = out.tell()
    for c in central:
        out.write(c)
    cd_len = out.tell() - cd_off
    out.write(struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, len(central), len(central), cd_len,
                          cd_off, 0))
    with open(path, 'wb') as f:
        f.write(out.getvalue())


def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def entry(name, data, method=8, **over):
    raw = deflate(data) if method == 8 else data
    e = {'name': name, 'data': raw, 'method': method, 'crc': zlib.crc32(data),
         'csize': len(raw), 'usize': len(data)}
    e.update(over)
    return e


def stream_entry_deflated(name, chunk, times, head=b'', tail=b''):
    """A deflated entry of head + chunk*times + tail, compressed without holding it all."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts, crc, n = [c.compress(head)], zlib.crc32(head), len(head)
    for _ in range(times):
        parts.append(c.compress(chunk))
        crc = zlib.crc32(chunk, crc)
        n += len(chunk)
    parts.append(c.compress(tail))
    crc = zlib.crc32(tail, crc)
    n += len(tail)
    parts.append(c.flush())
    raw = b''.join(parts)
    return {'name': name, 'data': raw, 'method': 8, 'crc': crc & 0xffffffff,
            'csize': len(raw), 'usize': n}


def pseudo_text(nbytes, seed):
    """Deterministic incompressible-ish ASCII (hex of a SHA-256 chain)."""
    out, h = [], hashlib.sha256(seed.encode()).digest()
    size = 0
    while size < nbytes:
        h = hashlib.sha256(h).digest()
        s = h.hex()
        out.append(s)
        size += len(s)
    return ''.join(out)[:nbytes]


def xlsx_raw(path, sheet, sst=None, extra=(), method=8):
    raw_zip(path, [entry(n, d, method) for n, d in xlsx_parts(sheet, sst, extra)])


# ------------------------------------------------------------------------------------------
# ODS
ODS_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content'
            ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
            ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
            ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
            ' office:version="1.3"><office:body><office:spreadsheet>')
ODS_TAIL = '</office:spreadsheet></office:body></office:document-content>'
MIME = b'application/vnd.oasis.opendocument.spreadsheet'


def ods_content(tables):
    return ODS_HEAD + tables + ODS_TAIL


def ods_table(rows, name='Data'):
    return '<table:table table:name="%s">%s</table:table>' % (name, rows)


def fcell(v, extra=''):
    return ('<table:table-cell office:value-type="float" office:value="%s"%s>'
            '<text:p>%s</text:p></table:table-cell>' % (v, extra, v))


def write_ods(path, content, prefix=''):
    raw_zip(path, [entry('mimetype', MIME, 0), entry('content.xml', (prefix + content).encode())])


# ------------------------------------------------------------------------------------------
# Checks of the output (the test hands each a {sheet: {'A1': value}} of the output).

def check_values(expected, sheet='Data'):
    def check(wb):
        got = wb[sheet]
        for k, v in expected.items():
            if got.get(k) != v:
                return 'cell %s is %r, expected %r' % (k, got.get(k), v)
        return None
    return check


def check_exact(expected, sheet='Data'):
    def check(wb):
        got = wb[sheet]
        return None if got == expected else 'cells %r, expected exactly %r' % (got, expected)
    return check


NORMAL = {'A%d' % i: i for i in range(1, 6)}

# ------------------------------------------------------------------------------------------
# The cases.  Each generator writes `path`.

CASES = []


def case(name, expect, says=(), args=(), check=None, note=''):
    def wrap(fn):
        CASES.append({'name': name, 'expect': expect, 'says': list(says), 'args': list(args),
                      'check': check, 'make': fn, 'note': note})
        return fn
    return wrap


LIMIT_HINT = r'raise .* with --'


@case('normal.xlsx', 'ok', check=check_exact(NORMAL), note='control: a plain book')
def _(p):
    xlsx_raw(p, sheet_xml(NORMAL_ROWS))


# --- zip bombs ----------------------------------------------------------------------------
@case('bomb_ratio.xlsx', 'error', [r'min_inflate_ratio', r'--max-zip-ratio'],
      note='20 MB of blanks deflated 1000:1 inside the sheet')
def _(p):
    head = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="%s"><sheetData>' % NS)
    ents = [entry(n, d) for n, d in xlsx_parts('')[:4]]
    ents.append(stream_entry_deflated('xl/worksheets/sheet1.xml', b' ' * (1 << 20), 20,
                                      head.encode(), b'</sheetData></worksheet>'))
    raw_zip(p, ents)


@case('bomb_ratio_sst.xlsx', 'error', [r'min_inflate_ratio', r'--max-zip-ratio'],
      note='shared strings: 200,000 strings of 1,000 letters (200 MB) from 200 KB')
def _(p):
    head = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="%s">' % NS).encode()
    ents = [entry(n, d) for n, d in xlsx_parts(sheet_xml(NORMAL_ROWS))]
    item = b'<si><t>' + b'a' * 1000 + b'</t></si>'
    ents.append(stream_entry_deflated('xl/sharedStrings.xml', item * 1000, 200, head,
                                      b'</sst>'))
    raw_zip(p, ents)


@case('bomb_entry_bytes.xlsx', 'error', [r'max_entry_bytes', r'--max-entry-bytes'],
      args=['--max-entry-bytes', '1000000'],
      note='a 4 MB incompressible sheet against a 1 MB entry limit')
def _(p):
    rows = ''.join('<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c></row>'
                   % (i, i, pseudo_text(4000, 'e%d' % i)) for i in range(1, 1001))
    xlsx_raw(p, sheet_xml(rows))


@case('bomb_total_bytes.xlsx', 'error', [r'max_total_bytes', r'--max-total-bytes'],
      args=['--max-total-bytes', '3000000'],
      note='two 2 MB entries against a 3 MB total limit')
def _(p):
    big = pseudo_text(2000000, 'total')
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = sheet_xml(rows).replace('<sheetData>', '<sheetData><!--%s-->' % big)
    xlsx_raw(p, sheet, sst_xml(['y']).replace('<si>', '<!--%s--><si>' % big))


@case('size_lie_small.xlsx', 'error', [r'sheet1\.xml|zip|XML|truncat|corrupt'],
      note='the directory declares 100 bytes for a 300 KB sheet')
def _(p):
    rows = ''.join('<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i)
                   for i in range(1, 10001))
    ents = [entry(n, d) for n, d in xlsx_parts(sheet_xml(rows))]
    ents[4]['usize'] = 100
    ents[4]['local_usize'] = 100
    raw_zip(p, ents)


@case('size_lie_huge.xlsx', 'ok', check=check_exact(NORMAL),
      note='the directory declares 4 GiB - 1 for a 500-byte sheet; never preallocated')
def _(p):
    ents = [entry(n, d) for n, d in xlsx_parts(sheet_xml(NORMAL_ROWS))]
    ents[4]['usize'] = 0xFFFFFFFE
    ents[4]['local_usize'] = 0xFFFFFFFE
    raw_zip(p, ents)


@case('bad_crc.xlsx', 'error', [r'sheet1\.xml', r'CRC|corrupt|checksum'],
      note='a wrong CRC-32 on the sheet')
def _(p):
    ents = [entry(n, d) for n, d in xlsx_parts(sheet_xml(NORMAL_ROWS))]
    ents[4]['crc'] ^= 0x5a5a5a5a
    raw_zip(p, ents)


@case('many_entries.xlsx', 'error', [r'max_zip_entries', r'--max-zip-entries'],
      note='1,001 entries (Apache POI allows 1,000)')
def _(p):
    parts = xlsx_parts(sheet_xml(NORMAL_ROWS))
    parts += [('xl/media/pad%04d.bin' % i, b'') for i in range(1001 - len(parts))]
    parts.append(('xl/media/last.bin', b''))
    write_zip(p, parts)


@case('method_bzip2.xlsx', 'error', [r'sheet1\.xml|compress|method|unsupported|corrupt'],
      note='an entry claiming compression method 12 (bzip2)')
def _(p):
    ents = [entry(n, d) for n, d in xlsx_parts(sheet_xml(NORMAL_ROWS))]
    ents[4]['method'] = 12
    raw_zip(p, ents)


# --- XML entities ---------------------------------------------------------------------------
LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">' +
          ''.join('<!ENTITY lol%d "%s">' % (i, ('&lol%d;' % (i - 1) if i > 1 else '&lol;') * 10)
                  for i in range(1, 10)) + ']>')


@case('billion_laughs.xlsx', 'error', [r'DOCTYPE|DTD'], note='nine levels of ten entities')
def _(p):
    sheet = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>')
    xlsx_raw(p, sheet.replace('?>', '?>' + LAUGHS, 1))


@case('billion_laughs_sst.xlsx', 'error', [r'DOCTYPE|DTD'], note='the same in sharedStrings')
def _(p):
    sheet = sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    xlsx_raw(p, sheet, sst_xml(['&lol9;']).replace('?>', '?>' + LAUGHS, 1))


@case('quadratic_entity.xlsx', 'error', [r'DOCTYPE|DTD'],
      note='one 100 KB entity referenced 10,000 times')
def _(p):
    dtd = '<!DOCTYPE w [<!ENTITY a "%s">]>' % ('x' * 100000)
    sheet = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>%s</t></is></c></row>'
                      % ('&a;' * 10000))
    xlsx_raw(p, sheet.replace('?>', '?>' + dtd, 1), method=0)


@case('xxe.xlsx', 'error', [r'DOCTYPE|DTD'], note='an external entity to /etc/passwd')
def _(p):
    dtd = '<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    sheet = sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    xlsx_raw(p, sheet, sst_xml(['&xxe;']).replace('?>', '?>' + dtd, 1))


@case('xxe_parameter.xlsx', 'error', [r'DOCTYPE|DTD'],
      note='an external parameter entity (fetches a DTD)')
def _(p):
    dtd = '<!DOCTYPE w [<!ENTITY % x SYSTEM "file:///etc/passwd"> %x;]>'
    xlsx_raw(p, sheet_xml(NORMAL_ROWS).replace('?>', '?>' + dtd, 1))


@case('huge_attribute.xlsx', 'ok', check=check_exact(NORMAL),
      note='an 8 MB attribute on <worksheet> (stored, so no ratio limit applies)')
def _(p):
    sheet = sheet_xml(NORMAL_ROWS).replace('<worksheet ', '<worksheet junk="%s" '
                                           % pseudo_text(8 << 20, 'attr'), 1)
    xlsx_raw(p, sheet, method=0)


@case('huge_text.xlsx', 'error', [r'max_text_bytes|longer than', r'--max-text'],
      note='one 1 MB inline string (Excel holds 32,767 characters)')
def _(p):
    sheet = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>%s</t></is></c></row>'
                      % pseudo_text(1 << 20, 'text'))
    xlsx_raw(p, sheet)


@case('many_attributes.xlsx', 'ok', check=check_exact(NORMAL),
      note='100,000 attributes on one element (hash flooding in the parser)')
def _(p):
    attrs = ' '.join('a%d="1"' % i for i in range(100000))
    xlsx_raw(p, sheet_xml(NORMAL_ROWS).replace('<sheetData>', '<sheetPr %s/><sheetData>'
                                               % attrs, 1))


@case('deep_elements.xlsx', 'ok',
      check=check_exact(NORMAL), note='100,000 nested unknown elements')
def _(p):
    xlsx_raw(p, sheet_xml(NORMAL_ROWS).replace('</sheetData>', '</sheetData>' +
                                               '<x>' * 100000 + '</x>' * 100000, 1), method=0)


# --- cells ----------------------------------------------------------------------------------
@case('cells_20m.xlsx', 'error', [r'min_inflate_ratio', r'--max-zip-ratio'],
      note='20,000,001 cells in a 1 MB file: stopped by the inflate ratio')
def _(p):
    row = ('<row>' + '<c t="s"><v>0</v></c>' * 16384 + '</row>').encode()
    head = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="%s"><sheetData>'
            % NS).encode()
    ents = [entry(n, d) for n, d in xlsx_parts('', sst_xml(['hostile']))]
    ents[4] = stream_entry_deflated('xl/worksheets/sheet1.xml', row, 1221, head,
                                    ('<row>' + '<c t="s"><v>0</v></c>' * 6417 +
                                     '</row></sheetData></worksheet>').encode())
    raw_zip(p, ents)


@case('cells_20m_noratio.xlsx', 'error', [r'max_cells|cells', r'--max-cells'],
      args=['--max-zip-ratio', '0'],
      note='the same with the ratio check off: stopped at max_cells (20,000,000)')
def _(p):
    CASES_BY_NAME['cells_20m.xlsx']['make'](p)


@case('sst_count_lie.xlsx', 'ok', check=check_values({'A1': 'one', 'A2': 'two'}),
      note='sharedStrings claims count=uniqueCount=2^31; two strings follow')
def _(p):
    sheet = sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
                      '<row r="2"><c r="A2" t="s"><v>1</v></c></row>')
    xlsx_raw(p, sheet, sst_xml(['one', 'two'], count=2147483648))


@case('sst_many.xlsx', 'error', [r'max_shared_strings', r'--max-shared-strings'],
      args=['--max-shared-strings', '1000'], note='1,001 shared strings against a limit of 1,000')
def _(p):
    xlsx_raw(p, sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
             sst_xml(['s%d' % i for i in range(1001)]))


def sst_index_case(name, v):
    @case(name, 'error', [r'shared string'], note='shared-string index %s of 1 string' % v)
    def _(p):
        xlsx_raw(p, sheet_xml('<row r="1"><c r="A1" t="s"><v>%s</v></c></row>' % v),
                 sst_xml(['only']))


for _n, _v in [('sst_index_past.xlsx', '1'), ('sst_index_huge.xlsx', '99999999999999999999'),
               ('sst_index_negative.xlsx', '-1'), ('sst_index_text.xlsx', 'abc'),
               ('sst_index_fraction.xlsx', '0.5')]:
    sst_index_case(_n, _v)


@case('sst_missing.xlsx', 'error', [r'shared string'],
      note='a shared-string cell and no sharedStrings part')
def _(p):
    xlsx_raw(p, sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'))


# --- references -----------------------------------------------------------------------------
def ref_case(name, ref, says, note):
    @case(name, 'error', says, note=note)
    def _(p):
        xlsx_raw(p, sheet_xml('<row><c r="%s"><v>1</v></c></row>' % ref))


ref_case('ref_row_2_32_plus_1.xlsx', 'A4294967297', [r'A4294967297|row', r'--max-rows'],
         'row 2^32+1 (hangs openpyxl)')
ref_case('ref_row_past_grid.xlsx', 'XFD1048577', [r'XFD1048577|row', r'--max-rows'],
         'row 1,048,577')
ref_case('ref_col_past_grid.xlsx', 'XFE1', [r'XFE1|column', r'--max-cols'], 'column 16,385')
ref_case('ref_col_huge.xlsx', 'ZZZZZZZZZZZZ1', [r'ZZZZZZZZZZZZ1|column|reference'],
         'twelve column letters')
ref_case('ref_negative.xlsx', 'A-1', [r'A-1|reference'], 'a negative row')
ref_case('ref_zero.xlsx', 'A0', [r'A0|reference'], 'row 0')
ref_case('ref_garbage.xlsx', '1A', [r'1A|reference'], 'digits before letters')


@case('row_attr_huge.xlsx', 'error', [r'row', r'--max-rows'], note='<row r="4294967297">')
def _(p):
    xlsx_raw(p, sheet_xml('<row r="4294967297"><c><v>1</v></c></row>'))


@case('row_attr_negative.xlsx', 'error', [r'row'], note='<row r="-5">')
def _(p):
    xlsx_raw(p, sheet_xml('<row r="-5"><c><v>1</v></c></row>'))


@case('dimension_lies.xlsx', 'ok',
      check=check_values({'A1': 1, 'C3': 9, 'C4': 12}),
      note='<dimension ref="A1:XFD1048576"> over twelve cells: memory follows the cells')
def _(p):
    rows = ''.join('<row r="%d">%s</row>' % (r, ''.join(
        '<c r="%s%d"><v>%d</v></c>' % ('ABC'[c], r, r * (c + 1)) for c in range(3)))
        for r in range(1, 5))
    xlsx_raw(p, sheet_xml(rows).replace('<sheetData>',
                                         '<dimension ref="A1:XFD1048576"/><sheetData>'))


@case('opposite_corners.xlsx', 'ok',
      check=check_exact({'A1': 1, 'XFD1048576': 2}),
      note='two cells at A1 and XFD1048576: storage is sparse, output is two cells')
def _(p):
    sheet = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'
                      '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>')
    xlsx_raw(p, sheet.replace('<sheetData>', '<dimension ref="A1:XFD1048576"/><sheetData>'))


@case('cells_out_of_order.xlsx', 'error', [r'order|before'],
      note='a cell before an earlier one (would make reading quadratic)')
def _(p):
    xlsx_raw(p, sheet_xml('<row r="2"><c r="A2"><v>1</v></c></row>'
                          '<row r="1"><c r="A1"><v>2</v></c></row>'))


@case('cells_without_r.xlsx', 'ok', check=check_exact({'A1': 1, 'B1': 2, 'A2': 3}),
      note='cells and rows without r: the next position (documented)')
def _(p):
    xlsx_raw(p, sheet_xml('<row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>'))


@case('wrong_namespace.xlsx', 'ok', check=check_exact(NORMAL),
      note='a foreign namespace with an x: prefix: matched by local name (documented)')
def _(p):
    s = sheet_xml(NORMAL_ROWS).replace('<worksheet xmlns="%s">' % NS,
                                       '<x:worksheet xmlns:x="urn:not-ooxml">')
    s = s.replace('</worksheet>', '</x:worksheet>')
    for t in ('sheetData', 'row', 'c', 'v'):
        s = s.replace('<%s>' % t, '<x:%s>' % t).replace('<%s ' % t, '<x:%s ' % t)
        s = s.replace('</%s>' % t, '</x:%s>' % t)
    xlsx_raw(p, s)


# --- encodings ------------------------------------------------------------------------------
def utf8_case(name, raw, note):
    @case(name, 'error', [r'sheet1\.xml|XML|UTF-8|not well-formed|invalid'], note=note)
    def _(p):
        sheet = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>@@</t></is></c></row>')
        data = sheet.encode().replace(b'@@', raw)
        raw_zip(p, [entry(n, d) for n, d in xlsx_parts(sheet)[:4]] +
                [entry('xl/worksheets/sheet1.xml', data)])


utf8_case('utf8_invalid.xlsx', b'\xc3\x28', 'a broken two-byte sequence')
utf8_case('utf8_overlong.xlsx', b'\xc0\xaf', 'an overlong slash')
utf8_case('utf8_surrogate.xlsx', b'\xed\xa0\x80', 'an encoded UTF-16 surrogate')
utf8_case('utf8_too_big.xlsx', b'\xf4\x90\x80\x80', 'a code point past U+10FFFF')
utf8_case('xml_nul.xlsx', b'\x00', 'a NUL byte in text')


@case('encoding_latin1.xlsx', 'error', [r'sheet1\.xml, line 1: not well-formed'],
      note='encoding="ISO-8859-1" (OPC allows only UTF-8/16): read as UTF-8, so refused')
def _(p):
    sheet = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>caf\u00e9</t></is></c></row>')
    sheet = sheet.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    raw_zip(p, [entry(n, d) for n, d in xlsx_parts('')[:4]] +
            [entry('xl/worksheets/sheet1.xml', sheet.encode('latin-1'))])


# --- duplicate entries ----------------------------------------------------------------------
@case('dup_entry.xlsx', 'error', [r'two entries named|duplicate'],
      note='two xl/worksheets/sheet1.xml entries with different cells')
def _(p):
    parts = xlsx_parts(sheet_xml(NORMAL_ROWS))
    parts.append(('xl/worksheets/sheet1.xml',
                  sheet_xml('<row r="1"><c r="A1"><v>666</v></c></row>').encode()))
    write_zip(p, parts)


@case('dup_entry_case.xlsx', 'error', [r'two entries named|duplicate'],
      note='xl/worksheets/sheet1.xml and XL/Worksheets/Sheet1.xml (OPC names ignore case)')
def _(p):
    parts = xlsx_parts(sheet_xml(NORMAL_ROWS))
    parts.append(('XL/Worksheets/Sheet1.xml',
                  sheet_xml('<row r="1"><c r="A1"><v>666</v></c></row>').encode()))
    write_zip(p, parts)


# --- truncated and corrupted zips -----------------------------------------------------------
def normal_bytes():
    path = os.path.join(_OUT[0], '.normal.tmp')
    xlsx_raw(path, sheet_xml(NORMAL_ROWS * 1), sst_xml(['a', 'b']))
    with open(path, 'rb') as f:
        data = f.read()
    os.unlink(path)
    return data


def bytes_case(name, says, fn, note):
    @case(name, 'error', says, note=note)
    def _(p):
        with open(p, 'wb') as f:
            f.write(fn(normal_bytes()))


bytes_case('truncated_half.xlsx', [r'zip|truncat|corrupt|workbook'],
           lambda d: d[:len(d) // 2], 'the first half of a valid file')
bytes_case('truncated_no_eocd.xlsx', [r'zip|truncat|corrupt|workbook'],
           lambda d: d[:-22], 'without its end-of-directory record')
bytes_case('empty.xlsx', [r'zip|empty|workbook'], lambda d: b'', 'zero bytes')
bytes_case('pk_garbage.xlsx', [r'zip|corrupt|workbook'],
           lambda d: b'PK\x03\x04' + hashlib.sha256(b'g').digest() * 8,
           'a zip signature, then noise')
bytes_case('cd_offset_past_end.xlsx', [r'zip|corrupt|workbook'],
           lambda d: d[:-6] + struct.pack('<IH', 0x7fffffff, 0),
           'the directory offset points past the end')
bytes_case('flipped_deflate.xlsx', [r'corrupt|inflate|CRC|XML|zip'],
           lambda d: flip_sheet_data(d), 'bytes flipped inside the sheet\'s deflate stream')


def flip_sheet_data(d):
    name = b'xl/worksheets/sheet1.xml'
    i = 0
    while True:
        i = d.index(b'PK\x03\x04', i)
        nlen, xlen = struct.unpack('<HH', d[i + 26:i + 30])
        if d[i + 30:i + 30 + nlen] == name:
            start = i + 30 + nlen + xlen
            csize = struct.unpack('<I', d[i + 18:i + 22])[0]
            b = bytearray(d)
            for k in range(start + csize // 3, start + csize // 3 + 8):
                b[k] ^= 0xff
            return bytes(b)
        i += 4


# --- formulas -------------------------------------------------------------------------------
@case('formula_100k.xlsx', 'error', [r'max_formula_bytes|formula', r'--max-formula-bytes'],
      note='a 100 KB formula (Excel allows 8,192 characters)')
def _(p):
    f = 'WS.DESCRIBE(' + ','.join(['A1'] * 33000) + ')'
    xlsx_raw(p, sheet_xml(NORMAL_ROWS + '<row r="7"><c r="B7"><f>%s</f><v>0</v></c></row>' % f))


@case('formula_deep.xlsx', 'ok', [r'B7: not evaluated', r'max_formula_depth'],
      check=check_values(dict(NORMAL, B7=0)),
      note='a WS formula nested 10,000 deep (20 KB): not evaluated, cached value kept, '
           'a warning names max_formula_depth')
def _(p):
    f = 'WS.DESCRIBE(' + '(' * 10000 + 'A1:A5' + ')' * 10000 + ')'
    xlsx_raw(p, sheet_xml(NORMAL_ROWS + '<row r="7"><c r="B7"><f>%s</f><v>0</v></c></row>' % f))


@case('formula_deep_calls.xlsx', 'error', [r'max_formula_bytes|formula', r'--max-formula-bytes'],
      note='WS.DESCRIBE( nested 10,000 times (130 KB)')
def _(p):
    f = 'WS.DESCRIBE(' * 10000 + 'A1:A5' + ')' * 10000
    xlsx_raw(p, sheet_xml(NORMAL_ROWS + '<row r="7"><c r="B7"><f>%s</f><v>0</v></c></row>' % f),
             method=0)


@case('formula_huge_area.xlsx', 'ok', [r'B7: #VALUE!.*too large'], check=check_values(NORMAL),
      note='a WS formula over A1:XFD1048576 (17 billion cells): an error value, not a hang')
def _(p):
    xlsx_raw(p, sheet_xml(NORMAL_ROWS + '<row r="7"><c r="B7"><f>WS.DESCRIBE(A1:XFD1048576)'
                          '</f><v>0</v></c></row>'))


@case('formula_cycle.xlsx', 'ok', [r'circular'], check=check_values(NORMAL),
      note='two WS formulas that read each other')
def _(p):
    xlsx_raw(p, sheet_xml(NORMAL_ROWS + '<row r="7"><c r="B7"><f>WS.DESCRIBE(C7)</f><v>0</v></c>'
                          '<c r="C7"><f>WS.DESCRIBE(B7)</f><v>0</v></c></row>'))


# --- ODS ------------------------------------------------------------------------------------
ODS_NORMAL = ''.join('<table:table-row>%s</table:table-row>' % fcell(i) for i in range(1, 6))


@case('normal.ods', 'ok', check=check_exact(NORMAL), note='control: a plain ODS')
def _(p):
    write_ods(p, ods_content(ods_table(ODS_NORMAL)))


@case('ods_repeat_empty_bomb.ods', 'ok', check=check_exact(NORMAL),
      note='2^31 empty rows of 2^31 empty cells each, then nothing: skipped, not allocated')
def _(p):
    bomb = ('<table:table-row table:number-rows-repeated="2147483647">'
            '<table:table-cell table:number-columns-repeated="2147483647"/></table:table-row>')
    write_ods(p, ods_content(ods_table(ODS_NORMAL + bomb)))


@case('ods_repeat_empty_then_value.ods', 'error', [r'row|column', r'--max-(rows|cols)'],
      note='a value after 2^31 empty cells: past the grid')
def _(p):
    row = ('<table:table-row><table:table-cell table:number-columns-repeated="2147483647"/>'
           '%s</table:table-row>' % fcell(7))
    write_ods(p, ods_content(ods_table(ODS_NORMAL + row)))


@case('ods_repeat_value_20m.ods', 'error', [r'max_cells|cells', r'--max-cells'],
      note='one non-empty cell repeated 16,384 x 1,221 + 6,417 = 20,000,001 times')
def _(p):
    rows = ('<table:table-row table:number-rows-repeated="1221">%s</table:table-row>'
            '<table:table-row>%s</table:table-row>'
            % (fcell(1, ' table:number-columns-repeated="16384"'),
               fcell(1, ' table:number-columns-repeated="6417"')))
    write_ods(p, ods_content(ods_table(rows)))


@case('ods_repeat_value_huge.ods', 'error', [r'max_cells|cells|row|column',
                                             r'--max-(cells|rows|cols)'],
      note='a non-empty cell repeated 2^31 x 2^31 times')
def _(p):
    rows = ('<table:table-row table:number-rows-repeated="2147483647">%s</table:table-row>'
            % fcell(1, ' table:number-columns-repeated="2147483647"'))
    write_ods(p, ods_content(ods_table(rows)))


@case('ods_repeat_value_ok.ods', 'ok',
      check=check_values({'A1': 3, 'CV1': 3, 'A1000': 3, 'CV1000': 3}),
      note='a non-empty cell repeated 100 x 1,000 times: 100,000 real cells')
def _(p):
    rows = ('<table:table-row table:number-rows-repeated="1000">%s</table:table-row>'
            % fcell(3, ' table:number-columns-repeated="100"'))
    write_ods(p, ods_content(ods_table(rows)))


@case('ods_repeat_overflow.ods', 'error', [r'repeat|number|row|column'],
      note='repeat counts of 2^64+1 and -1')
def _(p):
    rows = ('<table:table-row table:number-rows-repeated="18446744073709551617">'
            '<table:table-cell table:number-columns-repeated="-1"/></table:table-row>')
    write_ods(p, ods_content(ods_table(ODS_NORMAL + rows)))


@case('ods_column_bomb.ods', 'ok', check=check_exact(NORMAL),
      note='a column style repeated 2^31 times')
def _(p):
    cols = '<table:table-column table:number-columns-repeated="2147483647"/>'
    write_ods(p, ods_content(ods_table(cols + ODS_NORMAL)))


@case('ods_billion_laughs.ods', 'error', [r'DOCTYPE|DTD'], note='entities in content.xml')
def _(p):
    c = ods_content(ods_table('<table:table-row><table:table-cell><text:p>&lol9;</text:p>'
                              '</table:table-cell></table:table-row>'))
    write_ods(p, c.replace('?>', '?>' + LAUGHS, 1))


@case('ods_xxe.ods', 'error', [r'DOCTYPE|DTD'], note='an external entity to /etc/passwd')
def _(p):
    c = ods_content(ods_table('<table:table-row><table:table-cell><text:p>&x;</text:p>'
                              '</table:table-cell></table:table-row>'))
    write_ods(p, c.replace('?>', '?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1))


@case('ods_bad_utf8.ods', 'error', [r'content\.xml|XML|not well-formed|invalid'],
      note='a broken UTF-8 sequence in a paragraph')
def _(p):
    c = ods_content(ods_table('<table:table-row><table:table-cell><text:p>@@</text:p>'
                              '</table:table-cell></table:table-row>')).encode()
    raw_zip(p, [entry('mimetype', MIME, 0),
                entry('content.xml', c.replace(b'@@', b'\xff\xfe'))])


@case('ods_text_repeat.ods', 'error', [r'max_text_bytes|longer|text', r'--max-text'],
      note='<text:s text:c="2147483647"/>: two billion spaces in one cell')
def _(p):
    write_ods(p, ods_content(ods_table('<table:table-row><table:table-cell><text:p>a'
                                       '<text:s text:c="2147483647"/>b</text:p>'
                                       '</table:table-cell></table:table-row>')))


@case('ods_dup_content.ods', 'error', [r'two entries named|duplicate'],
      note='two content.xml entries')
def _(p):
    raw_zip(p, [entry('mimetype', MIME, 0),
                entry('content.xml', ods_content(ods_table(ODS_NORMAL)).encode()),
                entry('content.xml', ods_content(ods_table(fcell(666))).encode())])


@case('ods_truncated.ods', 'error', [r'zip|truncat|corrupt|workbook'],
      note='the first half of a valid ODS')
def _(p):
    write_ods(p, ods_content(ods_table(ODS_NORMAL)))
    with open(p, 'rb') as f:
        d = f.read()
    with open(p, 'wb') as f:
        f.write(d[:len(d) // 2])


# --- CSV ------------------------------------------------------------------------------------
@case('normal.csv', 'ok', check=check_exact(NORMAL, 'normal'), note='control: a plain CSV')
def _(p):
    with open(p, 'w') as f:
        f.write('1\n2\n3\n4\n5\n')


@case('csv_field_100mb.csv', 'error', [r'max_text_bytes|longer', r'--max-text'],
      note='one unquoted 100 MB field')
def _(p):
    with open(p, 'wb') as f:
        block = b'x' * (1 << 20)
        for _ in range(100):
            f.write(block)
        f.write(b'\n')


@case('csv_quoted_100mb.csv', 'error', [r'max_text_bytes|longer|quote', r'--max-text'],
      note='one quoted 100 MB field with line breaks inside')
def _(p):
    with open(p, 'wb') as f:
        f.write(b'"')
        block = (b'y' * 1023 + b'\n') * 1024
        for _ in range(100):
            f.write(block)
        f.write(b'"\n')


@case('csv_unterminated_quote.csv', 'error', [r'quote'],
      note='a quote opened on line 2 and never closed')
def _(p):
    with open(p, 'w') as f:
        f.write('1\n"2,3\n4\n5\n')


@case('csv_bad_utf8.csv', 'error', [r'line 2.*invalid UTF-8'],
      note='invalid UTF-8 bytes in a field')
def _(p):
    with open(p, 'wb') as f:
        f.write(b'1\n\xc3\x28\xff\n')


@case('csv_nul.csv', 'error', [r'line 2.*NUL'], note='NUL bytes in a field')
def _(p):
    with open(p, 'wb') as f:
        f.write(b'1\na\x00b\n')


@case('csv_wide.csv', 'error', [r'column', r'--max-cols'], note='16,385 fields in a row')
def _(p):
    with open(p, 'w') as f:
        f.write(','.join(['1'] * 16385) + '\n')


@case('csv_formula_100k.csv', 'error', [r'max_formula_bytes|formula', r'--max-formula-bytes'],
      note='a 100 KB formula field')
def _(p):
    with open(p, 'w') as f:
        f.write('1\n2\n"=WS.DESCRIBE(' + ','.join(['A1'] * 33000) + ')"\n')


@case('csv_formula_deep.csv', 'ok', [r'A3: not evaluated', r'max_formula_depth'],
      check=check_values({'A1': 1, 'A2': 2}, 'csv_formula_deep'),
      note='a formula nested 10,000 deep: not evaluated, a warning names max_formula_depth')
def _(p):
    with open(p, 'w') as f:
        f.write('1\n2\n"=WS.DESCRIBE(' + '(' * 10000 + 'A1:A2' + ')' * 10000 + ')"\n')


CASES_BY_NAME = {c['name']: c for c in CASES}
_OUT = ['.']


def make(outdir, names=None):
    """Write the cases (all, or those named) into outdir; return them."""
    os.makedirs(outdir, exist_ok=True)
    _OUT[0] = outdir
    chosen = [c for c in CASES if not names or c['name'] in names]
    for c in chosen:
        c['make'](os.path.join(outdir, c['name']))
    return chosen


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for c in make(sys.argv[1], sys.argv[2:]):
        path = os.path.join(sys.argv[1], c['name'])
        print('%-32s %10d  %s' % (c['name'], os.path.getsize(path), c['note']))
