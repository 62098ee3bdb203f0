// Telegram takes parameters as a query string, JSON, url-encoded forms or multipart forms.
// This turns any of them into one parameter record plus the uploaded files.

import { parseMultipart } from './multipart.ts';
import type { UploadedFile } from './validate.ts';

/** Parameters and uploads of one request. */
export interface ParsedRequest {
  params: Record<string, unknown>;
  files: Map<string, UploadedFile>;
}

/** Thrown for a body that cannot be read at all. */
export class BodyParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BodyParseError';
  }
}

/** Merges query parameters and a raw body of the given content type (body wins). */
export function parseRequestBody(query: Record<string, unknown>, body: Buffer | undefined, contentType: string | undefined): ParsedRequest {
  const params: Record<string, unknown> = { ...query };
  const files = new Map<string, UploadedFile>();
  if (!body || body.length === 0) return { params, files };
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  try {
    if (type === 'application/json' || type === '') {
      const text = body.toString('utf8').trim();
      if (text === '') return { params, files };
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BodyParseError('the JSON body must be an object');
      Object.assign(params, parsed);
    } else if (type === 'application/x-www-form-urlencoded') {
      for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params[key] = value;
    } else if (type === 'multipart/form-data') {
      const form = parseMultipart(body, contentType ?? '');
      Object.assign(params, form.fields);
      for (const [name, file] of form.files) files.set(name, file);
    } else {
      throw new BodyParseError(`unsupported content type ${type}`);
    }
  } catch (error) {
    if (error instanceof BodyParseError) throw error;
    throw new BodyParseError(`can't parse the request body: ${(error as Error).message}`);
  }
  return { params, files };
}
