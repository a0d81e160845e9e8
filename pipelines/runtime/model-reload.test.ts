import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValue, movingAverage, type Forecaster } from '../../models/index.js';
import { fileModelSource, reloadingForecaster } from './model-reload.js';

describe('reloadingForecaster', () => {
  let dir: string;
  let file: string;
  // as train writes it: a new file renamed over model.json
  const publish = (model: Forecaster) => {
    writeFileSync(join(dir, 'next.json'), JSON.stringify(model.toJSON()));
    renameSync(join(dir, 'next.json'), file);
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sf-reload-'));
    file = join(dir, 'model.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const window = Array.from({ length: 60 }, (_, i) => i);

  it('forecasts with a retrained model once the clock says check, without a restart', async () => {
    publish(movingAverage({ span: 5 }));
    let clock = 0;
    const reloaded: string[] = [];
    const f = await reloadingForecaster(fileModelSource(file), {
      checkEveryMs: 1_000,
      now: () => clock,
      onReload: (m) => reloaded.push(m.kind),
    });
    expect(f?.kind).toBe('moving-average');
    expect(f?.predict([window])[0]?.[0]).toBe(57);
    publish(lastValue());
    clock = 500; // not yet due: the old model, no check
    expect(f?.predict([window])[0]?.[0]).toBe(57);
    clock = 1_000; // due: this forecast starts the check in the background
    f?.predict([window]);
    await f?.check();
    expect(reloaded).toEqual(['last-value']);
    expect(f?.kind).toBe('last-value');
    expect(f?.predict([window])[0]?.[0]).toBe(59);
  });

  it('refuses an unreadable artefact or one of other sizes and keeps the running model', async () => {
    publish(lastValue());
    const errors: string[] = [];
    const f = await reloadingForecaster(fileModelSource(file), {
      onError: (e) => errors.push(String(e)),
    });
    writeFileSync(join(dir, 'next.json'), '{"format":"shardflow-forecaster","kind":"nope"');
    renameSync(join(dir, 'next.json'), file);
    await f?.check();
    publish(lastValue({ inputLength: 30 }));
    await f?.check();
    expect(errors).toHaveLength(2);
    expect(errors[1]).toMatch(/refused: sizes 30→15, running 60→15/);
    expect(f?.predict([window])[0]?.[0]).toBe(59);
  });

  it('is undefined while there is no artefact, or follows it from a fallback', async () => {
    expect(await reloadingForecaster(fileModelSource(file))).toBeUndefined();
    const f = await reloadingForecaster(fileModelSource(file), { fallback: lastValue() });
    expect(f?.predict([window])[0]?.[0]).toBe(59);
    publish(movingAverage({ span: 5 })); // the first retraining
    await f?.check();
    expect(f?.kind).toBe('moving-average');
    expect(f?.predict([window])[0]?.[0]).toBe(57);
  });
});
