import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { LavkaError, type ErrorKind } from './errors.ts';

/** Why an outgoing URL is refused. */
export type OutgoingErrorCode = 'outgoing.url_invalid' | 'outgoing.address_refused';

/** A URL Lavka will not call. */
export class OutgoingError extends LavkaError<OutgoingErrorCode> {
  override readonly name = 'OutgoingError';
  get kind(): ErrorKind {
    return 'invalid';
  }
}

/** What a rule of `outgoing.allowPrivate` is: an address, a range, or a host name. */
type AllowRule = { kind: 'cidr'; range: [ipaddr.IPv4 | ipaddr.IPv6, number] } | { kind: 'address'; address: ipaddr.IPv4 | ipaddr.IPv6 } | { kind: 'host'; host: string };

function ruleOf(text: string): AllowRule {
  if (text.includes('/')) return { kind: 'cidr', range: ipaddr.parseCIDR(text) };
  if (ipaddr.isValid(text)) return { kind: 'address', address: ipaddr.parse(text) };
  return { kind: 'host', host: text.toLowerCase() };
}

/** An address as compared: IPv4 for IPv4-mapped IPv6 (`::ffff:10.0.0.1`). */
function normalised(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
}

/** Options of {@link createOutgoingPolicy}. */
export interface OutgoingPolicyOptions {
  /**
   * Resolves once what the database committed so far is on disk (SQLite's group commit): a
   * call to another system (a webhook, an ERP, a fulfilment hook) may tell it about a write,
   * so it waits for the disk first.
   */
  untilDurable?: () => Promise<void>;
}

/**
 * The one policy for every call Lavka makes to a URL someone typed (webhook endpoints,
 * connectors, feeds): http or https only, no credentials in the URL, and no private,
 * loopback, link-local or otherwise internal address unless the config file allows it. The
 * check runs when the URL is saved and again on every connection (`lookup`), so a name
 * that later resolves to an internal address (DNS rebinding) is refused too.
 */
export function createOutgoingPolicy(allowPrivate: readonly string[], policyOptions: OutgoingPolicyOptions = {}) {
  const rules = allowPrivate.map(ruleOf);
  const allowedAddress = (address: string, host: string): boolean => {
    const parsed = normalised(address);
    if (parsed.range() === 'unicast') return true;
    return rules.some((rule) => {
      if (rule.kind === 'host') return rule.host === host.toLowerCase();
      if (rule.kind === 'address') return rule.address.kind() === parsed.kind() && rule.address.toString() === parsed.toString();
      return rule.range[0].kind() === parsed.kind() && parsed.match(rule.range);
    });
  };
  const refused = (host: string, address: string) =>
    new OutgoingError('outgoing.address_refused', `${host} is a private or internal address (${address}); allow it under outgoing.allowPrivate in the config file if it is yours.`, { host, address });

  /** DNS lookup for connections: every address a name resolves to must be allowed. */
  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as LookupAddress[];
      const bad = list.find((item) => !allowedAddress(item.address, hostname));
      if (bad) return callback(refused(hostname, bad.address) as unknown as NodeJS.ErrnoException, '', 0);
      if (options.all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} did not resolve`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };

  return {
    lookup,
    untilDurable: policyOptions.untilDurable,
    /** Checks a URL before it is stored: its form, and the addresses its host resolves to now. */
    async check(raw: string): Promise<URL> {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new OutgoingError('outgoing.url_invalid', 'This is not a URL.');
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new OutgoingError('outgoing.url_invalid', 'Only http and https URLs can be called.');
      if (url.username || url.password) throw new OutgoingError('outgoing.url_invalid', 'Put credentials in a header or the secret, not in the URL.');
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (ipaddr.isValid(host)) {
        if (!allowedAddress(host, host)) throw refused(host, host);
        return url;
      }
      await new Promise<void>((resolve, reject) => {
        lookup(host, { all: true }, (error) => (error ? reject(error instanceof OutgoingError ? error : new OutgoingError('outgoing.url_invalid', `${host} could not be resolved.`, { host })) : resolve()));
      });
      return url;
    },
  };
}

/** The outgoing policy of a running Lavka. */
export type OutgoingPolicy = ReturnType<typeof createOutgoingPolicy>;

/** The answer of an outgoing call: its status and the start of its body. */
export interface OutgoingAnswer {
  status: number;
  body: string;
}

/** An outgoing call: its method, body and headers, its deadline and how much answer to keep. */
export interface OutgoingRequest {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: string | undefined;
  headers?: Record<string, string>;
  timeoutMs: number;
  /** The most of the answer kept; more is refused (`tooLarge`) unless `truncate` says keep the start. */
  maxBytes: number;
  truncate?: boolean;
}

/** The whole answer of an outgoing call, as bytes, with its headers. */
export interface OutgoingResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** An answer longer than the caller accepts. */
export class OutgoingTooLarge extends Error {
  override readonly name = 'OutgoingTooLarge';
}

/**
 * Calls a URL through the policy: an address written in the URL is checked here, a name at
 * every connection (`lookup`). Rejects on refusal, connection failure, timeout or an answer
 * over `maxBytes`; any HTTP status is an answer.
 */
export async function requestThrough(policy: OutgoingPolicy, url: URL, request: OutgoingRequest): Promise<OutgoingResponse> {
  // Node resolves no name for an address literal, so `lookup` would never see it.
  if (ipaddr.isValid(url.hostname.replace(/^\[|\]$/g, ''))) await policy.check(url.href);
  await policy.untilDurable?.();
  const transport = url.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = { 'user-agent': 'Lavka/1', ...request.headers };
  if (request.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(Buffer.byteLength(request.body));
  }
  return new Promise((resolve, reject) => {
    const outgoing = transport.request(url, { method: request.method ?? (request.body === undefined ? 'GET' : 'POST'), headers, lookup: policy.lookup, timeout: request.timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < request.maxBytes) chunks.push(chunk);
        size += chunk.length;
        if (size > request.maxBytes && !request.truncate) response.destroy(new OutgoingTooLarge(`the answer is over ${request.maxBytes} bytes`));
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).subarray(0, request.maxBytes) }));
      response.on('error', reject);
    });
    // The deadline covers the whole answer, not only the wait for its first byte.
    const deadline = setTimeout(() => outgoing.destroy(new Error(`no answer within ${request.timeoutMs} ms`)), request.timeoutMs);
    outgoing.on('close', () => clearTimeout(deadline));
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${request.timeoutMs} ms`)));
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/**
 * POSTs a body through the policy (every connection's addresses checked), with a deadline.
 * Rejects on refusal, connection failure or timeout; any HTTP status is an answer, of which
 * the start is kept (the panel shows it).
 */
export async function postThrough(policy: OutgoingPolicy, url: URL, body: string, headers: Record<string, string>, timeoutMs: number): Promise<OutgoingAnswer> {
  const answer = await requestThrough(policy, url, { method: 'POST', body, headers: { 'user-agent': 'Lavka-Webhooks/1', ...headers }, timeoutMs, maxBytes: 2048, truncate: true });
  return { status: answer.status, body: answer.body.toString('utf8') };
}
