/**
 * The two Dockerfiles keep the image rules (multi-stage, pinned bases, production
 * dependencies only, non-root, tini as PID 1, HEALTHCHECK, the container contract's
 * command and port) — and the linter really rejects files that break them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintDockerfile, parseDockerfile } from './dockerfile-lint.js';
import { WORKER_COMMAND } from './worker-service.js';

const read = (name: string) => readFileSync(join(process.cwd(), 'deploy', 'docker', name), 'utf8');
const rules = (text: string, command: readonly string[], port: number) =>
  lintDockerfile(text, { command, port }).map((p) => p.rule);

describe('deploy/docker', () => {
  it('worker.Dockerfile runs the pipelines under tini as a non-root user with prod deps only', () => {
    expect(
      lintDockerfile(read('worker.Dockerfile'), { command: WORKER_COMMAND, port: 9090 }),
    ).toEqual([]);
    // the shipped models `consume --pipeline` loads by default are in the image
    const copies = parseDockerfile(read('worker.Dockerfile')).filter((i) => i.keyword === 'COPY');
    expect(copies.map((i) => i.args)).toContain(
      '--from=build /app/model-server/models ./model-server/models',
    );
  });

  it('model-server.Dockerfile is a SageMaker container: serve.js, `serve`, port 8080, /ping', () => {
    const text = read('model-server.Dockerfile');
    expect(
      lintDockerfile(text, {
        command: ['node', 'dist/model-server/serve.js', 'serve'],
        port: 8080,
      }),
    ).toEqual([]);
    const health = parseDockerfile(text).find((i) => i.keyword === 'HEALTHCHECK');
    expect(health?.args).toContain('/ping');
  });
});

describe('lintDockerfile', () => {
  it('joins continuation lines and skips comments', () => {
    const parsed = parseDockerfile('# c\nFROM a:1 AS b\nRUN x \\\n  # inner\n  && y\n');
    expect(parsed).toEqual([
      { keyword: 'FROM', args: 'a:1 AS b', line: 2 },
      { keyword: 'RUN', args: 'x && y', line: 3 },
    ]);
  });

  it('rejects a single-stage, root, unpinned, shell-form image without tini or health check', () => {
    const bad = [
      'FROM node',
      'WORKDIR app',
      'ADD . .',
      'RUN apt-get update && apt-get install curl',
      'RUN npm ci',
      'CMD node dist/cli/cli.js consume',
    ].join('\n');
    expect(new Set(rules(bad, ['node', 'dist/cli/cli.js', 'consume'], 9090))).toEqual(
      new Set([
        'multi-stage',
        'pinned-base',
        'absolute-workdir',
        'copy-not-add',
        'apt-recommends',
        'apt-lists',
        'apt-yes',
        'json-form',
        'non-root',
        'prod-deps',
        'node-env',
        'healthcheck',
        'expose',
        'init',
        'command',
      ]),
    );
  });

  it('catches node_modules copied from a stage that kept dev dependencies, and USER root', () => {
    const worker = read('worker.Dockerfile');
    const devDeps = worker.replace(
      '--from=deps /app/node_modules',
      '--from=build /app/node_modules',
    );
    expect(rules(devDeps, WORKER_COMMAND, 9090)).toEqual(['prod-deps']);
    const root = worker.replace('USER node', 'USER root');
    expect(rules(root, WORKER_COMMAND, 9090)).toEqual(['non-root']);
    const noTini = worker.replace(' tini \\', ' ca-certificates \\');
    expect(rules(noTini, WORKER_COMMAND, 9090)).toEqual(['init']);
  });
});
