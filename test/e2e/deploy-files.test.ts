// The production kit's files, read with real parsers: the Dockerfile with a Dockerfile parser
// and linter (dockerfile-ast, dockerfile-utils), compose.yaml against the Compose
// Specification's JSON schema (vendored in test/support/schemas), the systemd unit with
// `systemd-analyze verify`, the Caddyfiles with `caddy adapt` and the nginx example with
// `nginx -t`. No Docker engine runs here: what these checks cannot prove is listed in the
// README's "Deploy" section.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import Ajv from 'ajv';
import { Copy, DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { parse as parseYaml } from 'yaml';
import { envSchema } from '../../src/config/env.ts';
import { ENV_ALIASES } from '../../src/config/env-aliases.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const onPath = (command: string, args = ['--version']) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;

/** The uncompressed image size the README promises, and the share the production node_modules may take of it. */
const IMAGE_BUDGET_MB = 350;
const NODE_MODULES_BUDGET_MB = 130;

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const dockerfile = DockerfileParser.parse(text);
  const instructions = dockerfile.getInstructions();
  const args = new Map(dockerfile.getARGs().map((arg) => [arg.getProperty()?.getName(), arg.getProperty()?.getValue()]));
  const resolve = (value: string) => value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_whole, a: string | undefined, b: string | undefined) => args.get(a ?? b ?? '') ?? '');
  const froms = dockerfile.getFROMs();
  const finalFrom = froms.at(-1)!;
  const finalStage = instructions.filter((instruction) => instruction.getRange().start.line > finalFrom.getRange().start.line);
  const keyword = (instruction: Instruction) => instruction.getKeyword();
  const argsOf = (instruction: Instruction) => instruction.getArgumentsContent() ?? '';
  /** A COPY's --from stage (flags are not part of the arguments). */
  const fromFlag = (instruction: Instruction) => (instruction instanceof Copy ? (instruction.getFromFlag()?.getValue() ?? undefined) : undefined);

  test('the linter finds nothing to complain about', () => {
    assert.deepEqual(lintDockerfile(text).map((problem) => `${problem.range.start.line + 1}: ${problem.message}`), []);
  });

  test('is multi-stage, every stage on a pinned Node.js 24 slim image (an exact version, never latest)', () => {
    assert.ok(froms.length >= 2, 'several stages');
    for (const from of froms) {
      const image = resolve(from.getImageName() ?? '') + (from.getImageTag() ? `:${from.getImageTag()}` : '');
      const full = resolve(argsOf(from).split(/\s+/)[0] ?? image);
      assert.match(full, /^node:24\.\d+\.\d+-(bookworm|trixie)-slim(@sha256:[0-9a-f]{64})?$/, `stage ${from.getBuildStage() ?? '(final)'}: ${full}`);
    }
  });

  test('the final stage runs as a non-root user, with a health check on /health/ready, the data folder as a volume, and what npm start runs', () => {
    const users = finalStage.filter((instruction) => keyword(instruction) === 'USER');
    assert.ok(users.length > 0, 'a USER instruction');
    const user = argsOf(users.at(-1)!).trim();
    assert.ok(!['root', '0', '0:0', 'root:root'].includes(user), `runs as ${user}`);
    const lastUserLine = users.at(-1)!.getRange().start.line;
    assert.ok(!finalStage.some((instruction) => keyword(instruction) === 'USER' && instruction.getRange().start.line > lastUserLine), 'nothing switches back');
    const healthchecks = finalStage.filter((instruction) => keyword(instruction) === 'HEALTHCHECK');
    assert.equal(healthchecks.length, 1);
    assert.match(argsOf(healthchecks[0]!), /CMD .*\/health\/ready/);
    const volume = finalStage.find((instruction) => keyword(instruction) === 'VOLUME');
    assert.ok(volume, 'a VOLUME');
    const workdir = finalStage.find((instruction) => keyword(instruction) === 'WORKDIR');
    const volumes = JSON.parse(argsOf(volume)) as string[];
    assert.ok(volumes.includes('/app/data'), `volumes ${volumes}`);
    assert.equal(argsOf(workdir!).trim(), '/app');
    // The default database lives in the volume, not in the image's writable layer.
    const env = finalStage.filter((instruction) => keyword(instruction) === 'ENV').map(argsOf).join(' ');
    assert.match(env, /DATABASE_URL=sqlite:\/app\/data\//);
    const cmd = finalStage.filter((instruction) => keyword(instruction) === 'CMD').at(-1);
    const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start;
    assert.deepEqual(JSON.parse(argsOf(cmd!)), start.split(' '), 'exec form, as npm start: node gets SIGTERM itself');
    assert.equal(argsOf(finalStage.find((instruction) => keyword(instruction) === 'STOPSIGNAL')!).trim(), 'SIGTERM');
  });

  test('installs no dev dependencies into what runs: node_modules comes from a stage that installs with --omit=dev', () => {
    const stageOf = (name: string) => {
      const start = froms.find((from) => from.getBuildStage() === name);
      assert.ok(start, `stage ${name}`);
      const next = froms.find((from) => from.getRange().start.line > start.getRange().start.line);
      return instructions.filter((instruction) => instruction.getRange().start.line > start.getRange().start.line && (!next || instruction.getRange().start.line < next.getRange().start.line));
    };
    const copies = finalStage.filter((instruction) => keyword(instruction) === 'COPY');
    const modules = copies.filter((instruction) => /node_modules/.test(argsOf(instruction)));
    assert.equal(modules.length, 1, 'node_modules copied once');
    const from = fromFlag(modules[0]!);
    assert.ok(from, 'from another stage');
    const installs = stageOf(from).filter((instruction) => keyword(instruction) === 'RUN' && /npm (ci|install)/.test(argsOf(instruction)));
    assert.ok(installs.length > 0 && installs.every((instruction) => /--omit=dev/.test(argsOf(instruction))), `stage ${from} installs with --omit=dev`);
    assert.ok(!finalStage.some((instruction) => keyword(instruction) === 'RUN' && /npm (ci|install)|vite/.test(argsOf(instruction))), 'nothing is installed or built in the final stage');
    // The web apps and the start-up bundle arrive prebuilt, and the sources from the stage
    // that built the bundle (the bundle's record of their sizes and times must match them).
    for (const built of ['web/admin/dist', 'web/chat/dist', 'web/miniapp/dist', 'dist/server']) {
      assert.ok(copies.some((instruction) => fromFlag(instruction) !== undefined && argsOf(instruction).includes(`/app/${built}`)), built);
    }
    const buildStage = fromFlag(copies.find((instruction) => argsOf(instruction).includes('/app/dist/server'))!);
    assert.ok(buildStage && stageOf(buildStage).some((instruction) => keyword(instruction) === 'RUN' && /npm run build:server/.test(argsOf(instruction))), 'the bundle is built');
    for (const file of ['/app/src ', '/app/package-lock.json']) {
      assert.ok(copies.some((instruction) => fromFlag(instruction) === buildStage && argsOf(instruction).includes(file)), `${file.trim()} from the stage that built the bundle`);
    }
    // Everything the server reads at run time is in the image.
    for (const folder of ['src', 'locales', 'presets', 'assets']) assert.ok(copies.some((instruction) => new RegExp(`(^|/app/)${folder}\\s`).test(argsOf(instruction))), folder);
  });

  test('.dockerignore keeps local data, secrets and installed modules out of the build', () => {
    const ignored = read('.dockerignore').split('\n').map((line) => line.trim());
    for (const entry of ['node_modules', '.env', 'data', '.git', '*.db']) assert.ok(ignored.includes(entry), entry);
  });

  test(`the production dependencies fit the image budget (${NODE_MODULES_BUDGET_MB} MB of the ${IMAGE_BUDGET_MB} MB the README promises)`, () => {
    assert.match(read('README.md'), new RegExp(`${IMAGE_BUDGET_MB} MB`));
    const listing = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const packages = [...new Set(listing.split('\n').filter((line) => line.includes(`${path.sep}node_modules${path.sep}`)))];
    let bytes = 0;
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.name === 'node_modules') continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else bytes += lstatSync(full).size;
      }
    };
    for (const dir of packages) walk(dir);
    const megabytes = bytes / 1024 / 1024;
    assert.ok(packages.length > 50, 'the production tree was listed');
    assert.ok(megabytes < NODE_MODULES_BUDGET_MB, `production node_modules: ${megabytes.toFixed(1)} MB`);
  });
});

describe('compose.yaml', () => {
  const compose = parseYaml(read('compose.yaml'), { merge: true }) as {
    services: Record<string, { image?: string; build?: unknown; profiles?: string[]; environment?: Record<string, string>; env_file?: unknown; depends_on?: Record<string, { condition: string }>; healthcheck?: { test: string[] }; volumes?: string[]; ports?: string[] }>;
    volumes: Record<string, unknown>;
  };
  const schema = JSON.parse(read('test/support/schemas/compose-spec.json')) as Record<string, unknown>;
  // draft-07 is ajv 6's own; its https spelling of the meta-schema id is not, so it is left out.
  const ajv = new Ajv({ allErrors: true, unknownFormats: 'ignore', schemaId: 'auto' });
  const validateCompose = ajv.compile({ ...schema, $schema: undefined });

  test('is valid against the Compose Specification JSON schema', () => {
    const raw = parseYaml(read('compose.yaml'), { merge: true }) as unknown;
    const valid = validateCompose(raw);
    assert.ok(valid, JSON.stringify(validateCompose.errors, null, 2));
  });

  test('the schema check has teeth: a wrong depends_on condition and an unknown service key are rejected', () => {
    const broken = structuredClone(compose) as Record<string, unknown> & { services: Record<string, Record<string, unknown>> };
    broken.services.caddy!.depends_on = { lavka: { condition: 'healthy' } };
    broken.services.redis!.restart_policy = 'always';
    assert.equal(validateCompose(broken), false);
    const messages = (validateCompose.errors ?? []).map((error) => `${error.dataPath} ${error.message}`).join('\n');
    assert.match(messages, /depends_on/);
    assert.match(messages, /additional properties/);
  });

  test('Lavka runs in webhook mode on PostgreSQL and Redis, behind Caddy, with secrets from .env and its data in named volumes', () => {
    const lavka = compose.services.lavka!;
    assert.equal(lavka.environment?.BOT_MODE, 'webhook');
    assert.match(lavka.environment?.WEBHOOK_URL ?? '', /^https:\/\/\$\{LAVKA_DOMAIN/);
    assert.match(lavka.environment?.DATABASE_URL ?? '', /^postgres:\/\/lavka:\$\{POSTGRES_PASSWORD[^}]*\}@postgres:5432\/lavka$/);
    assert.equal(lavka.environment?.REDIS_URL, 'redis://redis:6379');
    assert.ok(JSON.stringify(lavka.env_file).includes('.env'), 'env_file .env');
    // Every name set here is one Lavka reads (or the old names it accepts).
    const known = new Set([...Object.keys(envSchema.shape), ...ENV_ALIASES.flatMap((alias) => alias.names)]);
    for (const name of Object.keys(lavka.environment ?? {})) assert.ok(known.has(name), `${name} is a Lavka variable`);
    // No secret is written in the file itself.
    const text = read('compose.yaml');
    assert.doesNotMatch(text, /TELEGRAM_BOT_TOKEN:|WEBHOOK_SECRET:|\d{6,}:[\w-]{20,}/);
    assert.ok(!('ports' in lavka), 'Lavka is reached only through Caddy');
    for (const mount of [...(lavka.volumes ?? []), ...(compose.services.postgres!.volumes ?? [])]) {
      const source = mount.split(':')[0] as string;
      assert.ok(source in compose.volumes, `${mount} is a named volume`);
    }
    assert.deepEqual(compose.services.caddy!.ports?.filter((port) => /^"?443:443/.test(port)).length, 2);
  });

  test('every dependency is waited for until healthy, and every service that is waited for has a health check', () => {
    const dependencies = Object.entries(compose.services).flatMap(([name, service]) => Object.entries(service.depends_on ?? {}).map(([on, how]) => ({ name, on, condition: how.condition })));
    assert.ok(dependencies.length >= 3);
    for (const dependency of dependencies) {
      assert.equal(dependency.condition, 'service_healthy', `${dependency.name} → ${dependency.on}`);
      assert.ok(compose.services[dependency.on]?.healthcheck, `${dependency.on} has a healthcheck`);
    }
    assert.deepEqual(Object.keys(compose.services.lavka!.depends_on ?? {}).sort(), ['postgres', 'redis']);
    assert.match(compose.services.lavka!.healthcheck!.test.join(' '), /\/health\/ready/);
  });

  test('the scale profile adds a second instance that shares the database and Redis, as several instances require', () => {
    const replicas = Object.entries(compose.services).filter(([, service]) => service.profiles?.includes('scale'));
    assert.equal(replicas.length, 1);
    const [, replica] = replicas[0]!;
    const lavka = compose.services.lavka!;
    assert.equal(replica.environment?.DATABASE_URL, lavka.environment?.DATABASE_URL);
    assert.equal(replica.environment?.REDIS_URL, lavka.environment?.REDIS_URL);
    assert.ok(replica.environment?.REDIS_URL, 'Redis is set');
    assert.equal(replica.environment?.WEBHOOK_URL, lavka.environment?.WEBHOOK_URL);
    assert.equal(lavka.profiles, undefined, 'the first instance runs without a profile');
  });

  test('both Caddyfiles parse with caddy adapt and proxy to Lavka with metrics kept private', { skip: !onPath('caddy', ['version']) && 'caddy is not installed' }, () => {
    for (const file of ['deploy/Caddyfile', 'deploy/compose/Caddyfile']) {
      const json = execFileSync('caddy', ['adapt', '--config', path.join(ROOT, file), '--adapter', 'caddyfile'], { env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), LAVKA_DOMAIN: 'bot.example.com' }, encoding: 'utf8' });
      assert.match(json, /"handler":"reverse_proxy"/, file);
      assert.match(json, /"\/metrics"/, file);
      assert.match(json, /"bot\.example\.com"/, file);
    }
  });
});

describe('deploy/systemd/lavka.service', () => {
  const unit = read('deploy/systemd/lavka.service');
  const values = (key: string) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((match) => match[1]?.trim());

  test('runs as its own user, restarts on failure, logs to the journal and reads an environment file', () => {
    assert.deepEqual(values('User'), ['lavka']);
    assert.deepEqual(values('Restart'), ['on-failure']);
    assert.deepEqual(values('StandardOutput'), ['journal']);
    assert.ok(values('EnvironmentFile').length === 1);
    assert.deepEqual(values('KillSignal'), ['SIGTERM']);
    assert.ok(Number(values('TimeoutStopSec')[0]) > 15, 'longer than Lavka\'s own 15 s shutdown limit');
  });

  test('is hardened: read-only system, writes only to the data folder, no new privileges', () => {
    assert.deepEqual(values('ProtectSystem'), ['strict']);
    assert.deepEqual(values('NoNewPrivileges'), ['yes']);
    const dataDir = path.dirname(/DATABASE_URL=sqlite:(\S+)/.exec(unit)?.[1] ?? '');
    assert.deepEqual(values('ReadWritePaths'), [dataDir]);
    for (const key of ['ProtectHome', 'PrivateTmp', 'PrivateDevices', 'RestrictSUIDSGID']) assert.deepEqual(values(key), ['yes'], key);
    assert.deepEqual(values('CapabilityBoundingSet'), ['']);
  });

  test('systemd-analyze verify accepts it without a warning', { skip: !onPath('systemd-analyze') && 'systemd-analyze is not installed' }, () => {
    // verify insists that ExecStart's binary exists: the one npm installed here stands in for /opt/lavka's.
    const dir = mkdtempSync(path.join(tmpdir(), 'lavka-unit-'));
    try {
      const file = path.join(dir, 'lavka.service');
      writeFileSync(file, unit.replace('/opt/lavka/node_modules/.bin/node', path.join(ROOT, 'node_modules/.bin/node')).replace(/^WorkingDirectory=.*$/m, `WorkingDirectory=${ROOT}`));
      const result = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(`${result.stdout}${result.stderr}`.trim(), '', 'no warnings');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy/nginx/lavka.conf', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'lavka-nginx-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  test('nginx -t accepts it', { skip: !(onPath('nginx', ['-v']) && onPath('openssl', ['version'])) && 'nginx or openssl is not installed' }, () => {
    // A throwaway certificate stands in for certbot's.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=bot.example.com', '-keyout', path.join(work, 'key.pem'), '-out', path.join(work, 'cert.pem')], { stdio: 'ignore' });
    const site = read('deploy/nginx/lavka.conf')
      .replaceAll('/etc/letsencrypt/live/bot.example.com/fullchain.pem', path.join(work, 'cert.pem'))
      .replaceAll('/etc/letsencrypt/live/bot.example.com/privkey.pem', path.join(work, 'key.pem'));
    writeFileSync(path.join(work, 'lavka.conf'), site);
    writeFileSync(path.join(work, 'nginx.conf'), `pid ${work}/nginx.pid;\nerror_log ${work}/error.log;\nevents {}\nhttp {\n  access_log off;\n  include ${work}/lavka.conf;\n}\n`);
    const result = spawnSync('nginx', ['-t', '-p', work, '-c', path.join(work, 'nginx.conf')], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /test is successful/);
  });
});
