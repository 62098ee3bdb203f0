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

/**
 * The one policy for every call Lavka makes to a URL someone typed (webhook endpoints,
 * connectors, feeds): http or https only, no credentials in the URL, and no private,
 * loopback, link-local or otherwise internal address unless the config file allows it. The
 * check runs when the URL is saved and again on every connection (`lookup`), so a name
 * that later resolves to an internal address (DNS rebinding) is refused too.
 */
export function createOutgoingPolicy(allowPrivate: readonly string[]) {
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

/**
 * POSTs a body through the policy (every connection's addresses checked), with a deadline.
 * Rejects on refusal, connection failure or timeout; any HTTP status is an answer.
 */
export function postThrough(policy: OutgoingPolicy, url: URL, body: string, headers: Record<string, string>, timeoutMs: number): Promise<OutgoingAnswer> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Lavka-Webhooks/1', ...headers }, lookup: policy.lookup, timeout: timeoutMs },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          // Only the start of an answer is kept (shown in the panel); the rest is drained.
          if (size < 2048) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, 2048) }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
