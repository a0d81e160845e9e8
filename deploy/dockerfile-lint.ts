/**
 * @module deploy/dockerfile-lint
 * A small Dockerfile parser and the rules shardflow's images must keep, checked in tests
 * because no Dockerfile linter (hadolint) is installable from npm or Debian here and no
 * Docker engine can build the images. The rules follow hadolint's where they overlap
 * (pinned base images, JSON-form ENTRYPOINT/CMD, apt hygiene, no `latest`) and add the
 * project's contract: multi-stage, production dependencies only in the final stage, a
 * non-root user, an init process (tini) so SIGTERM reaches Node, and a HEALTHCHECK.
 * Pure: takes the file's text, returns problems.
 */

/** One instruction: keyword (upper-case), its arguments, and the line it starts on. */
export interface DockerInstruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

/** A rule violation. */
export interface DockerfileProblem {
  readonly rule: string;
  readonly line: number;
  readonly message: string;
}

/** Splits a Dockerfile into instructions, joining `\` continuations and dropping comments. */
export function parseDockerfile(text: string): DockerInstruction[] {
  const out: DockerInstruction[] = [];
  const lines = text.split(/\r?\n/);
  let buffer = '';
  let start = 0;
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    if (buffer === '' && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (buffer !== '' && trimmed.startsWith('#')) return;
    if (buffer === '') start = index + 1;
    if (trimmed.endsWith('\\')) {
      buffer += `${trimmed.slice(0, -1).trim()} `;
      return;
    }
    buffer += trimmed;
    const match = /^(\S+)\s*(.*)$/s.exec(buffer.trim());
    if (match) out.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: start });
    buffer = '';
  });
  return out;
}

/** Options of {@link lintDockerfile}: what the image must run. */
export interface DockerfileExpectations {
  /** The final stage's command as ENTRYPOINT + CMD, after the init process. */
  readonly command: readonly string[];
  /** The port the health check and EXPOSE use. */
  readonly port: number;
}

const jsonArray = (args: string): string[] | undefined => {
  try {
    const value: unknown = JSON.parse(args);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
};

/** Checks a Dockerfile's text against shardflow's image rules; returns every problem. */
export function lintDockerfile(text: string, expect: DockerfileExpectations): DockerfileProblem[] {
  const all = parseDockerfile(text);
  const problems: DockerfileProblem[] = [];
  const problem = (rule: string, line: number, message: string) =>
    problems.push({ rule, line, message });

  const froms = all.filter((i) => i.keyword === 'FROM');
  const stageNames = new Set(
    froms.map((f) => /\s+AS\s+(\S+)$/i.exec(f.args)?.[1]?.toLowerCase()).filter(Boolean),
  );
  if (froms.length < 2) problem('multi-stage', 1, 'build in one stage, run in another');
  for (const from of froms) {
    const image = from.args.split(/\s+/).find((a) => !a.startsWith('--')) ?? '';
    if (stageNames.has(image.toLowerCase())) continue;
    if (!/[:@]/.test(image) || /:latest$/.test(image)) {
      problem('pinned-base', from.line, `base image ${image} must have a version tag or digest`);
    }
  }
  for (const i of all) {
    if (i.keyword === 'RUN' && /\bapt-get\s+install\b/.test(i.args)) {
      if (!/--no-install-recommends/.test(i.args))
        problem('apt-recommends', i.line, 'apt-get install without --no-install-recommends');
      if (!/rm -rf \/var\/lib\/apt\/lists/.test(i.args))
        problem('apt-lists', i.line, 'remove /var/lib/apt/lists in the same RUN');
      if (!/\s-y\b|--yes/.test(i.args)) problem('apt-yes', i.line, 'apt-get install needs -y');
    }
    if (i.keyword === 'RUN' && /\bsudo\b/.test(i.args)) problem('no-sudo', i.line, 'no sudo');
    if (i.keyword === 'ADD' && !/^--/.test(i.args)) problem('copy-not-add', i.line, 'use COPY');
    if (i.keyword === 'WORKDIR' && !i.args.startsWith('/'))
      problem('absolute-workdir', i.line, 'WORKDIR must be absolute');
    if ((i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT') && !jsonArray(i.args))
      problem('json-form', i.line, `${i.keyword} must be in JSON (exec) form`);
  }

  const lastFrom = all.lastIndexOf(froms[froms.length - 1] ?? all[0]!);
  const final = all.slice(lastFrom);
  const at = final[0]?.line ?? 1;
  const users = final.filter((i) => i.keyword === 'USER');
  const user = users[users.length - 1]?.args.split(':')[0];
  if (!user || user === 'root' || user === '0')
    problem('non-root', at, 'final stage must switch to a non-root USER');
  const installs = final.filter(
    (i) => i.keyword === 'RUN' && /\bnpm\s+(ci|install)\b/.test(i.args),
  );
  for (const i of installs) {
    if (!/--omit=dev/.test(i.args))
      problem('prod-deps', i.line, 'final stage installs dev dependencies');
  }
  const moduleCopy = final.find((i) => i.keyword === 'COPY' && /node_modules/.test(i.args));
  if (installs.length === 0 && !moduleCopy)
    problem('prod-deps', at, 'final stage has no production node_modules');
  const source = moduleCopy && /--from=(\S+)/.exec(moduleCopy.args)?.[1]?.toLowerCase();
  if (moduleCopy && source) {
    const stage = stageOf(all, source);
    const pruned = stage.some(
      (i) => i.keyword === 'RUN' && /\bnpm\s+(ci|install|prune)\b[^&]*--omit=dev/.test(i.args),
    );
    if (!pruned)
      problem(
        'prod-deps',
        moduleCopy.line,
        `node_modules come from stage ${source}, which keeps dev dependencies`,
      );
  }
  if (!final.some((i) => i.keyword === 'ENV' && /NODE_ENV[= ]production/.test(i.args)))
    problem('node-env', at, 'final stage must set NODE_ENV=production');
  const health = final.find((i) => i.keyword === 'HEALTHCHECK');
  if (!health || /^NONE$/i.test(health.args))
    problem('healthcheck', at, 'final stage needs a HEALTHCHECK');
  else if (!health.args.includes(String(expect.port)))
    problem('healthcheck', health.line, `HEALTHCHECK must probe port ${expect.port}`);
  if (
    !final.some((i) => i.keyword === 'EXPOSE' && i.args.split(/\s+/).includes(String(expect.port)))
  )
    problem('expose', at, `final stage must EXPOSE ${expect.port}`);

  const entrypoint =
    jsonArray(final.filter((i) => i.keyword === 'ENTRYPOINT').pop()?.args ?? '') ?? [];
  const cmd = jsonArray(final.filter((i) => i.keyword === 'CMD').pop()?.args ?? '') ?? [];
  const [init, separator, ...rest] = entrypoint;
  if (!init || !/(^|\/)tini$/.test(init) || separator !== '--') {
    problem('init', at, 'ENTRYPOINT must start with tini -- so SIGTERM reaches node');
  }
  const command = [...rest, ...cmd];
  if (JSON.stringify(command) !== JSON.stringify(expect.command)) {
    problem(
      'command',
      at,
      `runs ${JSON.stringify(command)}, expected ${JSON.stringify(expect.command)}`,
    );
  }
  if (init && /tini$/.test(init)) {
    const installsTini = all.some(
      (i) => i.keyword === 'RUN' && /apt-get\s+install\b[^&]*\btini\b/.test(i.args),
    );
    if (!installsTini) problem('init', at, 'tini is used but never installed (Debian package)');
  }
  return problems;
}

/** The instructions of a named stage (from its FROM to the next). */
function stageOf(all: readonly DockerInstruction[], name: string): DockerInstruction[] {
  const start = all.findIndex(
    (i) => i.keyword === 'FROM' && /\s+AS\s+(\S+)$/i.exec(i.args)?.[1]?.toLowerCase() === name,
  );
  if (start < 0) return [];
  const next = all.findIndex((i, index) => index > start && i.keyword === 'FROM');
  return all.slice(start, next < 0 ? undefined : next);
}
