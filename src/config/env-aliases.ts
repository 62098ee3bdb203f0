// The environment variable names of the bots Lavka replaces. Their `.env` files keep working:
// each old name is read as Lavka's own, a deployment says once at start-up which ones it used,
// and an old name set together with Lavka's to a different value stops start-up with both names
// (silently preferring either would run the bot with a setting its owner did not mean).

/** An old variable name Lavka reads as one of its own. */
export interface EnvAlias {
  /** The old bots' name(s) read together (REDIS_HOST, REDIS_PORT, … make one REDIS_URL). */
  names: readonly string[];
  /** Lavka's own variable. */
  target: string;
  /** Lavka's value from the old ones (only set names are given); a string is the problem. */
  convert(values: Readonly<Record<string, string>>): { value: string } | { problem: string };
  /** Whether two values of the target mean the same (default: equal once trimmed). */
  same?(a: string, b: string): boolean;
}

const rename = (name: string, target: string, same?: EnvAlias['same']): EnvAlias => ({
  names: [name],
  target,
  convert: (values) => ({ value: values[name] as string }),
  same,
});

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);

/** Redis URLs pointing at the same server, database and password (`redis://h:6379` = `redis://h:6379/0`). */
function sameRedis(a: string, b: string): boolean {
  try {
    const [x, y] = [new URL(a), new URL(b)];
    const db = (url: URL) => url.pathname.replace(/^\//, '') || '0';
    const port = (url: URL) => url.port || '6379';
    return x.protocol === y.protocol && x.hostname === y.hostname && port(x) === port(y) && db(x) === db(y) && x.password === y.password && x.username === y.username;
  } catch {
    return a.trim() === b.trim();
  }
}

/** Telegram id lists equal but for spaces. */
const sameList = (a: string, b: string) => a.replace(/\s+/g, '') === b.replace(/\s+/g, '');

/**
 * Old name → Lavka's name. The README's "Coming from the old bots" table lists the same; a test
 * keeps the two in step.
 */
export const ENV_ALIASES: readonly EnvAlias[] = [
  rename('ADMIN_CHAT_IDS', 'ADMIN_IDS', sameList),
  {
    names: ['USE_WEBHOOK'],
    target: 'BOT_MODE',
    convert: (values) => {
      const word = (values.USE_WEBHOOK as string).trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return { value: 'webhook' };
      if (FALSE_WORDS.has(word)) return { value: 'polling' };
      return { problem: `USE_WEBHOOK: expected true or false (got ${JSON.stringify(values.USE_WEBHOOK)}); Lavka's own setting is BOT_MODE=webhook or BOT_MODE=polling` };
    },
  },
  rename('TELEGRAM_WEBHOOK_URL', 'WEBHOOK_URL'),
  rename('TELEGRAM_WEBHOOK_SECRET', 'WEBHOOK_SECRET'),
  {
    names: ['REDIS_HOST', 'REDIS_PORT', 'REDIS_DB', 'REDIS_PASSWORD'],
    target: 'REDIS_URL',
    convert: (values) => {
      const host = values.REDIS_HOST?.trim() || 'localhost';
      const port = values.REDIS_PORT?.trim() || '6379';
      const db = values.REDIS_DB?.trim() || '0';
      if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) return { problem: `REDIS_PORT: expected a port number (got ${JSON.stringify(values.REDIS_PORT)})` };
      if (!/^\d{1,2}$/.test(db)) return { problem: `REDIS_DB: expected a database number such as 0 (got ${JSON.stringify(values.REDIS_DB)})` };
      if (!/^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/.test(host)) return { problem: `REDIS_HOST: expected a host name or address (got ${JSON.stringify(values.REDIS_HOST)})` };
      const password = values.REDIS_PASSWORD ? `:${encodeURIComponent(values.REDIS_PASSWORD)}@` : '';
      return { value: `redis://${password}${host}:${port}/${db}` };
    },
    same: sameRedis,
  },
  rename('MERCHANT_UUID', 'HELEKET_MERCHANT_ID'),
  rename('DJANGO_API_URL', 'CLINIC_ERP_URL'),
  rename('API_BASE_URL', 'CLINIC_ERP_URL'),
];

/** Which old names supplied which of Lavka's variables. */
export interface AliasUse {
  names: string[];
  target: string;
}

/** Lavka's values taken from the old names, what was used, and what conflicts. */
export interface AliasResolution {
  values: Record<string, string>;
  used: AliasUse[];
  problems: string[];
}

/**
 * Reads the old bots' names from `source`. A Lavka variable that is set wins only when the old
 * name says the same; otherwise the pair is a problem naming both. Blank values count as unset.
 */
export function resolveEnvAliases(source: NodeJS.ProcessEnv): AliasResolution {
  const resolution: AliasResolution = { values: {}, used: [], problems: [] };
  const fromAlias = new Map<string, { value: string; names: string[] }>();
  for (const alias of ENV_ALIASES) {
    const given: Record<string, string> = {};
    for (const name of alias.names) {
      const value = source[name];
      if (value !== undefined && value !== '') given[name] = value;
    }
    const names = Object.keys(given);
    if (names.length === 0) continue;
    const converted = alias.convert(given);
    if ('problem' in converted) {
      resolution.problems.push(converted.problem);
      continue;
    }
    const same = alias.same ?? ((a: string, b: string) => a.trim() === b.trim());
    const own = source[alias.target];
    if (own !== undefined && own !== '') {
      if (!same(own, converted.value)) {
        resolution.problems.push(
          `${names.join(', ')} and ${alias.target}: both are set, to different values. ${alias.target} is Lavka's name for it: keep one of them (remove ${names.join(' and ')}, or make them agree)`,
        );
      }
      continue;
    }
    const earlier = fromAlias.get(alias.target);
    if (earlier) {
      if (!same(earlier.value, converted.value)) {
        resolution.problems.push(`${earlier.names.join(', ')} and ${names.join(', ')}: both set ${alias.target}, to different values; keep one of them (or set ${alias.target} itself)`);
      }
      continue;
    }
    fromAlias.set(alias.target, { value: converted.value, names });
    resolution.values[alias.target] = converted.value;
    resolution.used.push({ names, target: alias.target });
  }
  return resolution;
}

/** One log line's worth: `ADMIN_CHAT_IDS → ADMIN_IDS, USE_WEBHOOK → BOT_MODE`. */
export function describeAliasUse(used: readonly AliasUse[]): string {
  return used.map((item) => `${item.names.join(' + ')} → ${item.target}`).join(', ');
}

/**
 * `CLINIC_ERP_URL` (or the old DJANGO_API_URL / API_BASE_URL) as `connectors.clinic.url`: the
 * clinic ERP connector without a config file, the rest of `connectors.clinic` kept from it.
 */
export function withClinicErpUrl<Config extends { connectors: { clinic?: unknown } }>(config: Config, url: string | undefined): Config {
  if (!url) return config;
  const clinic = config.connectors.clinic;
  const rest = clinic !== null && typeof clinic === 'object' && !Array.isArray(clinic) ? clinic : {};
  return { ...config, connectors: { ...config.connectors, clinic: { ...rest, url } } };
}
