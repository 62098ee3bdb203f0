// A small multipart/form-data reader for bodies already in memory. The simulator parses its
// own bodies (instead of @fastify/multipart) so it can be mounted into an app that registered
// its own body parsers without the two colliding.

import type { UploadedFile } from './validate.ts';

/** Text fields and file parts of one form. */
export interface ParsedForm {
  fields: Record<string, string>;
  files: Map<string, UploadedFile>;
}

/** Parses a multipart body; throws on a missing boundary or a malformed part. */
export function parseMultipart(body: Buffer, contentType: string): ParsedForm {
  const boundaryMatch = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = boundaryMatch?.[1] ?? boundaryMatch?.[2];
  if (!boundary) throw new Error('multipart body without a boundary');
  const delimiter = Buffer.from(`--${boundary.trim()}`);
  const form: ParsedForm = { fields: {}, files: new Map() };

  let position = body.indexOf(delimiter);
  if (position < 0) throw new Error('multipart body without its boundary');
  while (position >= 0) {
    let partStart = position + delimiter.length;
    // "--" after a delimiter closes the form.
    if (body[partStart] === 0x2d && body[partStart + 1] === 0x2d) break;
    if (body[partStart] === 0x0d && body[partStart + 1] === 0x0a) partStart += 2;
    const next = body.indexOf(delimiter, partStart);
    if (next < 0) throw new Error('multipart part is not terminated');
    // The CRLF before the next delimiter belongs to the delimiter, not the content.
    const partEnd = body[next - 2] === 0x0d && body[next - 1] === 0x0a ? next - 2 : next;
    readPart(body.subarray(partStart, partEnd), form);
    position = next;
  }
  return form;
}

function readPart(part: Buffer, form: ParsedForm): void {
  const headerEnd = part.indexOf('\r\n\r\n');
  if (headerEnd < 0) throw new Error('multipart part without headers');
  const headers = part.subarray(0, headerEnd).toString('utf8').split('\r\n');
  const content = part.subarray(headerEnd + 4);
  let name: string | undefined;
  let filename: string | undefined;
  let mimeType = 'application/octet-stream';
  for (const header of headers) {
    const [key, ...rest] = header.split(':');
    const value = rest.join(':').trim();
    if (key?.trim().toLowerCase() === 'content-disposition') {
      name = /(?:^|;)\s*name="((?:[^"\\]|\\.)*)"/i.exec(value)?.[1] ?? /(?:^|;)\s*name=([^;]+)/i.exec(value)?.[1]?.trim();
      const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(value)?.[1];
      // grammY writes filename=name.png without quotes; browsers quote it.
      filename = star
        ? decodeURIComponent(star.trim())
        : (/;\s*filename="((?:[^"\\]|\\.)*)"/i.exec(value)?.[1] ?? /;\s*filename=([^;]*)/i.exec(value)?.[1]?.trim());
    } else if (key?.trim().toLowerCase() === 'content-type') {
      mimeType = value;
    }
  }
  if (name === undefined) throw new Error('multipart part without a name');
  if (filename !== undefined) {
    form.files.set(name, { filename, mimeType, data: Buffer.from(content) });
  } else {
    form.fields[name] = content.toString('utf8');
  }
}
