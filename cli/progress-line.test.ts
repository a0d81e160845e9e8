import { progressBar, progressLine } from './progress-line.js';

const stream = (isTTY: boolean) => {
  const written: string[] = [];
  return { isTTY, written, write: (t: string) => written.push(t) };
};

describe('progressLine', () => {
  it('rewrites one line on a terminal and ends it with a newline', () => {
    const out = stream(true);
    const line = progressLine(out);
    line.update('a');
    line.update('b');
    line.done();
    expect(out.written).toEqual(['\r\x1b[2Ka', '\r\x1b[2Kb', '\n']);
  });

  it('writes a line per update elsewhere, and nothing more at the end', () => {
    const out = stream(false);
    const line = progressLine(out);
    line.update('a');
    line.done();
    expect(out.written).toEqual(['a\n']);
  });

  it('throttles to minIntervalMs, except forced (final) updates', () => {
    const out = stream(false);
    let t = 1_000;
    const line = progressLine(out, { minIntervalMs: 250, now: () => t });
    line.update('1');
    t += 100;
    line.update('2');
    line.update('3', true);
    t += 249;
    line.update('4');
    t += 1;
    line.update('5');
    expect(out.written).toEqual(['1\n', '3\n', '5\n']);
  });
});

describe('progressBar', () => {
  it('fills in proportion, empty while the total is unknown, never past the width', () => {
    expect(progressBar(1, 4, 8)).toBe('[##......]');
    expect(progressBar(0, 0, 4)).toBe('[....]');
    expect(progressBar(9, 4, 4)).toBe('[####]');
  });
});
