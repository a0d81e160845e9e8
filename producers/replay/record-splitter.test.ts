import { splitRecords } from './record-splitter.js';

describe('splitRecords', () => {
  it('reads newline-delimited records', () => {
    const pieces = splitRecords('{"a":1}\n{"a":2}\n');
    expect(pieces.map((p) => p.ok && p.value)).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('reads records concatenated back to back, with braces inside strings', () => {
    const pieces = splitRecords('{"s":"}{"}{"a":[1,{"b":2}]}');
    expect(pieces.map((p) => p.ok && p.value)).toEqual([{ s: '}{' }, { a: [1, { b: 2 }] }]);
  });

  it('reports corrupt lines with their offset and keeps the good ones around them', () => {
    const text = '{"a":1}\nnot json\n{"a":2\n{"a":3}\n';
    const pieces = splitRecords(text);
    expect(pieces.filter((p) => p.ok).map((p) => p.ok && p.value)).toEqual([{ a: 1 }, { a: 3 }]);
    const bad = pieces.filter((p) => !p.ok);
    expect(bad.map((p) => [p.text, p.offset])).toEqual([
      ['not json', 8],
      ['{"a":2', 17],
    ]);
  });

  it('reports a truncated last record', () => {
    const pieces = splitRecords('{"a":1}{"a":');
    expect(pieces.map((p) => p.ok)).toEqual([true, false]);
  });
});
