// Several Lavka processes in webhook mode behind a real load balancer (nginx, or Caddy with
// TLS as compose.yaml runs it), on one PostgreSQL and one Redis, with the simulator as
// Telegram: what the scale-out tests and the scale-out benchmark start. Only what is needed
// to start, feed and stop them lives here; the checks are the caller's.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { freePort } from './harness.ts';

const INSTANCE = path.resolve(import.meta.dirname, 'scale-out-instance.ts');
const COMPOSE_CADDYFILE = path.resolve(import.meta.dirname, '../../deploy/compose/Caddyfile');

/** The job kind the test schedules; each run prints one line with {@link SCALE_JOB_RAN}. */
export const SCALE_JOB_KIND = 'scale_probe.once';
export const SCALE_JOB_RAN = 'scale probe job ran';

/** Debian's nginx lives in /usr/sbin, which a non-root PATH may lack. */
const NGINX = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';

/** The load balancers the instances can run behind. */
export type ProxyKind = 'nginx' | 'caddy';

/**
 * Why this proxy cannot run here, or undefined when it can. Throws instead when
 * `LAVKA_TEST_REQUIRE_SERVICES=1` (CI, where `.ci/run` installs both), so that the suite never silently skips there.
 */
export function proxyUnavailable(kind: ProxyKind): string | undefined {
  const found = kind === 'nginx' ? spawnSync(NGINX, ['-v'], { stdio: 'ignore' }) : spawnSync('caddy', ['version'], { stdio: 'ignore' });
  const reason = found.error || found.status !== 0 ? `${kind} is not installed (apt-get install -y ${kind})` : undefined;
  if (reason && process.env.LAVKA_TEST_REQUIRE_SERVICES === '1') throw new Error(`${reason}; the scale-out tests need it`);
  return reason;
}

/** {@link proxyUnavailable} for nginx. */
export function nginxUnavailable(): string | undefined {
  return proxyUnavailable('nginx');
}

/** One Lavka process and what it printed. */
export interface LavkaInstance {
  readonly port: number;
  readonly child: ChildProcess;
  output(): string;
  /** The outbox sender's id, read from its start-up log line. */
  workerId(): string | undefined;
  exited: Promise<number | null>;
}

/** Starts one instance (`test/support/scale-out-instance.ts`) and waits until it says it is ready. */
export async function startInstance(env: Record<string, string>, timeoutMs = 60_000): Promise<LavkaInstance> {
  const port = await freePort();
  const child = spawn(process.execPath, [INSTANCE], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const instance: LavkaInstance = {
    port,
    child,
    output: () => output,
    workerId: () => output.match(/"workerId":"([^"]+)"[^\n]*"sender started"/)?.[1],
    exited,
  };
  const deadline = Date.now() + timeoutMs;
  while (!output.includes('scale-out instance ready')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`a Lavka instance did not start:\n${output.slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return instance;
}

/** SIGTERM, up to 15 s to finish what is in flight, then SIGKILL: how a supervisor stops them. */
export async function stopInstances(instances: readonly LavkaInstance[]): Promise<void> {
  for (const instance of instances) if (instance.child.exitCode === null) instance.child.kill('SIGTERM');
  // Unreferenced: the grace timer must not keep the test process alive after they exited.
  await Promise.all(instances.map((instance) => Promise.race([instance.exited, new Promise((resolve) => setTimeout(resolve, 15_000).unref())])));
  for (const instance of instances) if (instance.child.exitCode === null) instance.child.kill('SIGKILL');
}

/** The proxy in front of the instances: round robin, and a dead instance's new requests go to the next one. */
export interface Proxy {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts nginx (foreground, its own prefix folder) load-balancing over `ports`. */
export async function startNginx(ports: readonly number[]): Promise<Proxy> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'lavka-nginx-'));
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(dir, sub));
  const asRoot = process.getuid?.() === 0;
  const config = `
${asRoot ? 'user root;' : ''}
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream lavka {
${ports.map((item) => `    server 127.0.0.1:${item} max_fails=1 fail_timeout=30s;`).join('\n')}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://lavka;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_read_timeout 120s;
      # A refused connection goes to the next instance; a POST already sent is not repeated
      # (nginx's default for non-idempotent requests): Telegram resends it instead.
      proxy_next_upstream error timeout;
    }
  }
}
`;
  writeFileSync(path.join(dir, 'nginx.conf'), config);
  const child = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answered = await fetch(`${url}/health/live`).then(
      () => true,
      () => false,
    );
    if (answered) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`nginx did not start (see ${dir}/error.log)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGQUIT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts Caddy with compose.yaml's site block (deploy/compose/Caddyfile) over `ports`: HTTPS
 * on a free port with a certificate from Caddy's internal CA, which this whole process (the
 * load generator's fetch included) then trusts, as Telegram trusts a public one.
 */
export async function startCaddy(ports: readonly number[]): Promise<Proxy> {
  const [httpsPort, httpPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(path.join(tmpdir(), 'lavka-caddy-'));
  // In compose the instances are found by a DNS lookup of their shared alias; here they are
  // listed. Everything else (the balancing policy, retries, hidden routes) is the shipped file.
  const shipped = readFileSync(COMPOSE_CADDYFILE, 'utf8');
  const site = shipped.replace(/dynamic a lavka-app 8080 \{[^}]*\}/, `to ${ports.map((item) => `127.0.0.1:${item}`).join(' ')}`);
  if (site === shipped) throw new Error('deploy/compose/Caddyfile no longer looks up lavka-app: update startCaddy');
  const config = `{\n\tadmin off\n\tlocal_certs\n\tskip_install_trust\n\thttp_port ${httpPort}\n\thttps_port ${httpsPort}\n\tstorage file_system ${path.join(dir, 'storage')}\n}\n\n${site}`;
  writeFileSync(path.join(dir, 'Caddyfile'), config);
  let log = '';
  const child = spawn('caddy', ['run', '--config', path.join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
    env: { PATH: process.env.PATH ?? '', HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir, LAVKA_DOMAIN: `localhost:${httpsPort}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const rootCert = path.join(dir, 'storage', 'pki', 'authorities', 'local', 'root.crt');
  const url = `https://localhost:${httpsPort}`;
  let trusted = false;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (!trusted && existsSync(rootCert)) {
      tls.setDefaultCACertificates([...tls.getCACertificates('default'), readFileSync(rootCert, 'utf8')]);
      trusted = true;
    }
    // `/health/live` is hidden by the site block; `/health` is the public one.
    const answered = trusted && (await fetch(`${url}/health`).then((response) => response.status === 200, () => false));
    if (answered) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`caddy did not start:\n${log.slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A Telegram-shaped text message update from a private chat. */
export function textUpdate(updateId: number, chatId: number, text: string): Record<string, unknown> {
  const from = { id: chatId, is_bot: false, first_name: `User ${chatId}`, language_code: 'en' };
  return { update_id: updateId, message: { message_id: updateId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private', first_name: from.first_name }, from, text } };
}

/**
 * Posts one update as Telegram does: with the secret header, again after a failed delivery
 * (a 5xx or a dropped connection: Telegram resends until it gets a 2xx). Returns how many
 * deliveries failed before the one that succeeded.
 */
export async function deliver(url: string, secret: string, update: Record<string, unknown>): Promise<number> {
  for (let failures = 0; ; failures++) {
    const ok = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body: JSON.stringify(update),
      signal: AbortSignal.timeout(120_000),
    }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ok) return failures;
    if (failures >= 20) throw new Error(`update ${String(update.update_id)} was never accepted`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** The most of these times (ms, any order) that fall within any one window of `windowMs`. */
export { busiestWindow } from './send-window-run.ts';
