/**
 * @module bench/rcf-score-fixture
 * Writes `models/rcf/fixtures/scores.json`: the scores and attributions of the fixed-seed
 * cases of `models/rcf/fixtures/score-cases.ts` on the current forest. Run once on the
 * forest before the memory work of #16 (the recorded "before"); run again to check that the
 * forest still reproduces it (`git diff models/rcf/fixtures/scores.json` must be empty).
 * `npx tsx bench/rcf-score-fixture.ts`
 */
import { writeFileSync } from 'node:fs';
import { recordCase, SCORE_CASES } from '../models/rcf/fixtures/score-cases.js';

const out = new URL('../models/rcf/fixtures/scores.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(SCORE_CASES.map(recordCase), null, 2)}\n`);
console.log(`wrote ${out.pathname}`);
