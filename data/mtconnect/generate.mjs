// Generates sample-streams.json: 120 minutes of two simulated 3-axis mills as a sequence of
// MTConnect Streams documents (what an agent's /sample answers), half in the reference
// agent's JSON version 2 layout, half in version 1. Deterministic (seeded). Planted: VMC-1's
// spindle load jumps and its speed drops during minutes 90-92; VMC-2 reports nothing during
// minutes 60-63 (a gap); VMC-1's load is UNAVAILABLE during minutes 40-41.
// Usage: node data/mtconnect/generate.mjs > data/mtconnect/sample-streams.json
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const noise = (s) => (rand() + rand() + rand() - 1.5) * s;
const start = Date.parse('2026-11-23T06:00:00Z');
const iso = (t) => new Date(t).toISOString();
let sequence = 1;
const docs = [];
for (let block = 0; block < 12; block++) {
  const v2 = block % 2 === 0;
  const devices = [];
  for (const [d, name] of ['VMC-1', 'VMC-2'].entries()) {
    const samples = [];
    const events = [];
    const conditions = [];
    for (let m = block * 10; m < block * 10 + 10; m++) {
      if (name === 'VMC-2' && m >= 60 && m <= 63) continue;
      const t = start + m * 60_000 + 15_000 + d * 1_000;
      const anomalous = name === 'VMC-1' && m >= 90 && m <= 92;
      const speed = anomalous ? 2400 + noise(20) : 8000 + 300 * Math.sin(m / 7) + noise(40);
      const load = name === 'VMC-1' && (m === 40 || m === 41)
        ? 'UNAVAILABLE'
        : (anomalous ? 95 : 35 + 5 * Math.sin(m / 7)) + noise(1.5);
      samples.push(['SpindleSpeed', { dataItemId: `${d}-s1`, name: 'S1speed', timestamp: iso(t), sequence: sequence++, value: typeof speed === 'number' ? speed.toFixed(1) : speed }]);
      samples.push(['Load', { dataItemId: `${d}-s1load`, name: 'S1load', timestamp: iso(t + 100), sequence: sequence++, value: typeof load === 'number' ? load.toFixed(2) : load }]);
      if (m % 5 === 0) samples.push(['Temperature', { dataItemId: `${d}-s1temp`, timestamp: iso(t + 200), sequence: sequence++, value: (30 + m / 20 + noise(0.2)).toFixed(2) }]);
      if (m % 30 === 0) events.push(['Execution', { dataItemId: `${d}-exec`, timestamp: iso(t + 300), sequence: sequence++, value: m % 60 === 0 ? 'ACTIVE' : 'READY' }]);
      if (m % 30 === 0) conditions.push([anomalous ? 'Warning' : 'Normal', { dataItemId: `${d}-s1cond`, type: 'TEMPERATURE', timestamp: iso(t + 400), sequence: sequence++ }]);
    }
    const section = (items) =>
      v2
        ? items.reduce((acc, [k, v]) => ({ ...acc, [k]: [...(acc[k] ?? []), v] }), {})
        : items.map(([k, v]) => ({ [k]: v }));
    devices.push({
      name,
      uuid: `vmc-${d + 1}`,
      ComponentStream: [
        { component: 'Rotary', componentId: `${d}-c1`, name: 'C', Samples: section(samples), Condition: section(conditions) },
        { component: 'Controller', componentId: `${d}-cn`, name: 'controller', Events: section(events) },
      ],
    });
  }
  docs.push({
    MTConnectStreams: {
      jsonVersion: v2 ? 2 : 1,
      Header: { creationTime: iso(start + (block + 1) * 600_000), sender: 'shardflow-generator', instanceId: 1, version: '2.2.0.0' },
      Streams: { DeviceStream: devices },
    },
  });
}
process.stdout.write(`${JSON.stringify(docs)}\n`);
