/**
 * Why a model file was refused. Codes are dotted and stable: the bot maps each to a text
 * that says what is wrong and what is accepted, and the admin API returns them as they are.
 */
export type ModelErrorCode =
  | 'model.empty'
  | 'model.truncated'
  | 'model.not_a_model'
  | 'model.unsupported_format'
  | 'model.corrupt'
  | 'model.no_geometry'
  | 'model.too_large'
  | 'model.too_many_triangles'
  | 'model.too_complex';

/** A model file that cannot be measured; `code` says why, `details` carries numbers for the text. */
export class ModelError extends Error {
  readonly code: ModelErrorCode;
  readonly details: Readonly<Record<string, string | number>>;
  constructor(code: ModelErrorCode, message: string, details: Record<string, string | number> = {}) {
    super(message);
    this.name = 'ModelError';
    this.code = code;
    this.details = details;
  }
}

/** Creates a {@link ModelError}; reads better at throw sites than `new`. */
export function modelError(code: ModelErrorCode, message: string, details: Record<string, string | number> = {}): ModelError {
  return new ModelError(code, message, details);
}

/** Signatures of common files people send instead of a model, checked before parsing. */
const FOREIGN_MAGIC: readonly { kind: string; bytes: readonly number[] }[] = [
  { kind: 'JPEG image', bytes: [0xff, 0xd8, 0xff] },
  { kind: 'PNG image', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { kind: 'GIF image', bytes: [0x47, 0x49, 0x46, 0x38] },
  { kind: 'PDF document', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { kind: 'ZIP archive', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { kind: 'RAR archive', bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07] },
  { kind: '7-Zip archive', bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { kind: 'gzip archive', bytes: [0x1f, 0x8b] },
  { kind: 'WebP or RIFF media', bytes: [0x52, 0x49, 0x46, 0x46] },
  { kind: 'Windows executable', bytes: [0x4d, 0x5a] },
  { kind: 'ELF executable', bytes: [0x7f, 0x45, 0x4c, 0x46] },
];

/** What kind of non-model file `bytes` looks like (`JPEG image`, …), or undefined. */
export function sniffForeignFile(bytes: Uint8Array): string | undefined {
  for (const signature of FOREIGN_MAGIC) {
    if (bytes.length < signature.bytes.length) continue;
    if (signature.bytes.every((value, index) => bytes[index] === value)) return signature.kind;
  }
  return undefined;
}
