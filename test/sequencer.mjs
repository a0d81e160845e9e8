// @ts-check
/**
 * Jest test order: jest's own (last failures first, then the longest runs of the cache), except
 * on a fresh clone — CI — where no run times are cached: there it orders by file size alone,
 * which can start a 45 s integration suite last and leave one worker idle. Here integration
 * suites (`*.int.test.ts`, the long ones, mostly waiting on the local cloud) go first, then the
 * short unit suites fill the workers to the end; file size still orders within each group.
 */
import Sequencer from '@jest/test-sequencer';

const isIntegration = (/** @type {{ path: string }} */ test) => test.path.endsWith('.int.test.ts');

export default class IntegrationFirstSequencer extends Sequencer.default {
  /**
   * @param {import('@jest/test-result').Test[]} tests
   * @returns {import('@jest/test-result').Test[]}
   */
  sort(tests) {
    const sorted = /** @type {import('@jest/test-result').Test[]} */ (super.sort(tests));
    if (sorted.some((t) => t.duration != null)) return sorted; // timed runs: jest's order
    // Array.prototype.sort is stable: file-size order is kept within each group
    return [...sorted].sort((a, b) => Number(isIntegration(b)) - Number(isIntegration(a)));
  }
}
