// Spec-driven parameter validation. Every method is checked the same way against
// bot-api-spec.json: unknown parameters, missing required ones, and the type of every value,
// recursively through nested objects, arrays of arrays, unions and abstract types. Form and
// multipart bodies carry everything as strings, so the validator also coerces them the way
// Telegram does (numbers from digits, booleans from "true", objects from JSON text).

import { badRequest } from './api-error.ts';
import type { ApiError } from './api-error.ts';
import { discriminatorOf } from './spec.ts';
import type { BotApiSpec, Discriminator, SpecField } from './spec.ts';

/** A file that arrived in a multipart body. */
export interface UploadedFile {
  filename: string;
  mimeType: string;
  data: Buffer;
}

/** Validates and normalises one method call's parameters. */
export interface ParamValidator {
  /** The canonical method name for a case-insensitive one, or undefined when the spec lacks it. */
  resolveMethod(name: string): string | undefined;
  /** Returns the parameters with values coerced to their spec types; throws an ApiError (400). */
  validate(method: string, params: Record<string, unknown>, files: ReadonlyMap<string, UploadedFile>): Record<string, unknown>;
}

// Telegram's own wording for some missing parameters; the rest read "<name> is empty".
const MISSING_WORDING: Record<string, string> = {
  text: 'message text is empty',
  message_id: 'message identifier is not specified',
  photo: 'there is no photo in the request',
  document: 'there is no document in the request',
  audio: 'there is no audio in the request',
  video: 'there is no video in the request',
  animation: 'there is no animation in the request',
  voice: 'there is no voice in the request',
  sticker: 'there is no sticker in the request',
  video_note: 'there is no video_note in the request',
  media: 'there is no media in the request',
};

const PRIMITIVES = new Set(['Integer', 'Float', 'Boolean', 'String', 'InputFile', 'True']);

class Issue {
  readonly path: string[];
  readonly kind: 'type' | 'other';
  readonly expected: string;
  readonly detail: string;
  /** How far into the value the check got; unions report the alternative that got furthest. */
  readonly depth: number;

  constructor(path: string[], kind: 'type' | 'other', expected: string, detail: string, depth = path.length) {
    this.path = path;
    this.kind = kind;
    this.expected = expected;
    this.detail = detail;
    this.depth = depth;
  }
}

function formatPath(path: string[]): string {
  return path.map((part, i) => (part.startsWith('[') || i === 0 ? part : `.${part}`)).join('');
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'Array';
  if (typeof value === 'object') return 'Object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : 'Float';
  if (typeof value === 'boolean') return 'Boolean';
  return 'String';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Builds a validator over the given spec. */
export function createParamValidator(spec: BotApiSpec): ParamValidator {
  const methodByLowerName = new Map(Object.keys(spec.methods).map((name) => [name.toLowerCase(), name]));
  const discriminators = new Map<string, Discriminator | undefined>();

  function discriminator(typeName: string): Discriminator | undefined {
    if (!discriminators.has(typeName)) discriminators.set(typeName, discriminatorOf(spec, typeName));
    return discriminators.get(typeName);
  }

  function decodeJson(value: unknown, path: string[], expected: string): unknown {
    if (typeof value !== 'string') return value;
    const trimmed = value.trim();
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      throw new Issue(path, 'other', expected, `can't parse ${formatPath(path)} JSON object`);
    }
  }

  function checkPrimitive(value: unknown, typeName: string, path: string[]): unknown {
    const mismatch = (): Issue =>
      new Issue(path, 'type', typeName, `wrong type of "${formatPath(path)}": expected ${typeName}, got ${kindOf(value)}`);
    switch (typeName) {
      case 'Integer':
        if (typeof value === 'number' && Number.isInteger(value)) return value;
        if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
        throw mismatch();
      case 'Float':
        if (typeof value === 'number' && Number.isFinite(value)) return value;
        if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
        throw mismatch();
      case 'Boolean':
      case 'True':
        if (typeof value === 'boolean') return value;
        if (value === 1 || value === 0) return value === 1;
        if (typeof value === 'string' && /^(true|false|1|0)$/i.test(value.trim())) return /^(true|1)$/i.test(value.trim());
        throw mismatch();
      case 'String':
      case 'InputFile':
        // Telegram accepts numbers and booleans where it wants text and reads them as text.
        if (typeof value === 'string') return value;
        if (typeof value === 'number' || typeof value === 'boolean') return String(value);
        throw mismatch();
      default:
        return value;
    }
  }

  function checkArray(value: unknown, itemTypes: string[], path: string[], label: string): unknown {
    const decoded = decodeJson(value, path, label);
    if (!Array.isArray(decoded)) {
      throw new Issue(path, 'type', label, `wrong type of "${formatPath(path)}": expected ${label}, got ${kindOf(decoded)}`);
    }
    return decoded.map((item, index) => checkValue(item, itemTypes, [...path, `[${index}]`]));
  }

  function checkFields(value: Record<string, unknown>, fields: SpecField[], path: string[], typeName: string): Record<string, unknown> {
    const known = new Map(fields.map((f) => [f.name, f]));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      if (value[key] === null || value[key] === undefined) continue;
      if (!known.has(key)) {
        throw new Issue([...path, key], 'other', typeName, `unknown parameter "${formatPath([...path, key])}"`);
      }
    }
    for (const field of fields) {
      const fieldValue = value[field.name];
      if (fieldValue === null || fieldValue === undefined) {
        if (field.required) {
          const fieldPath = [...path, field.name];
          throw new Issue(fieldPath, 'other', typeName, `field "${formatPath(fieldPath)}" is required`);
        }
        continue;
      }
      out[field.name] = checkValue(fieldValue, field.types, [...path, field.name]);
    }
    return out;
  }

  /** The discriminator value a concrete subtype must carry (InputMediaPhoto → type "photo"). */
  function expectedTag(typeName: string): { field: string; value: string } | undefined {
    for (const parent of spec.types[typeName]?.subtype_of ?? []) {
      const disc = discriminator(parent);
      if (!disc) continue;
      for (const [value, subtype] of disc.values) if (subtype === typeName) return { field: disc.field, value };
    }
    return undefined;
  }

  function checkNamedType(value: unknown, typeName: string, path: string[]): unknown {
    const type = spec.types[typeName];
    if (!type) return value;
    const decoded = decodeJson(value, path, typeName);
    const tag = type.fields ? expectedTag(typeName) : undefined;
    if (tag && isPlainObject(decoded) && decoded[tag.field] !== tag.value) {
      const tagPath = [...path, tag.field];
      throw new Issue(tagPath, 'type', typeName, `wrong ${formatPath(tagPath)} "${String(decoded[tag.field])}": expected "${tag.value}" for ${typeName}`, path.length + 0.5);
    }
    if (type.subtypes) {
      const disc = discriminator(typeName);
      if (!disc) return checkValue(decoded, type.subtypes, path);
      if (!isPlainObject(decoded)) {
        throw new Issue(path, 'type', typeName, `wrong type of "${formatPath(path)}": expected ${typeName}, got ${kindOf(decoded)}`);
      }
      const tag = decoded[disc.field];
      const subtype = typeof tag === 'string' ? disc.values.get(tag) : undefined;
      if (!subtype) {
        const tagPath = formatPath([...path, disc.field]);
        const allowed = [...disc.values.keys()].join(', ');
        throw new Issue([...path, disc.field], 'other', typeName, `unsupported ${tagPath} "${String(tag)}" for ${typeName}: expected one of ${allowed}`);
      }
      return checkNamedType(decoded, subtype, path);
    }
    if (!isPlainObject(decoded)) {
      throw new Issue(path, 'type', typeName, `wrong type of "${formatPath(path)}": expected ${typeName}, got ${kindOf(decoded)}`);
    }
    return type.fields ? checkFields(decoded, type.fields, path, typeName) : decoded;
  }

  function checkSingle(value: unknown, typeName: string, path: string[]): unknown {
    if (PRIMITIVES.has(typeName)) return checkPrimitive(value, typeName, path);
    if (typeName.startsWith('Array of ')) {
      return checkArray(value, [typeName.slice('Array of '.length)], path, typeName);
    }
    return checkNamedType(value, typeName, path);
  }

  function checkValue(value: unknown, typeNames: string[], path: string[]): unknown {
    if (typeNames.length === 1) return checkSingle(value, typeNames[0] ?? 'String', path);
    // "Array of A, Array of B" in the docs means one array whose items may be A or B
    // (sendMediaGroup mixes photos and videos).
    if (typeNames.every((name) => name.startsWith('Array of '))) {
      const label = typeNames.join(' or ');
      return checkArray(value, typeNames.map((name) => name.slice('Array of '.length)), path, label);
    }
    const issues: Issue[] = [];
    for (const typeName of typeNames) {
      try {
        return checkSingle(value, typeName, path);
      } catch (error) {
        if (!(error instanceof Issue)) throw error;
        issues.push(error);
      }
    }
    // The alternative that got furthest into the value is the one the caller most likely meant.
    const deepest = Math.max(...issues.map((i) => i.depth));
    const best = issues.filter((i) => i.depth === deepest);
    const first = best[0] as Issue;
    if (deepest === path.length && best.every((i) => i.kind === 'type')) {
      const expected = best.map((i) => i.expected).join(' or ');
      throw new Issue(path, 'type', expected, `wrong type of "${formatPath(path)}": expected ${expected}, got ${kindOf(value)}`);
    }
    throw first;
  }

  function toApiError(issue: Issue): ApiError {
    return badRequest(issue.detail);
  }

  return {
    resolveMethod(name) {
      return methodByLowerName.get(name.toLowerCase());
    },

    validate(method, params, files) {
      const spec_ = spec.methods[method];
      if (!spec_) throw badRequest(`method ${method} is not in the Bot API spec`);
      const input: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(params)) {
        if (value !== null && value !== undefined) input[key] = value;
      }
      // A multipart part named after an InputFile parameter is that parameter's upload.
      for (const field of spec_.fields) {
        if (input[field.name] === undefined && field.types.includes('InputFile') && files.has(field.name)) {
          input[field.name] = `attach://${field.name}`;
        }
      }
      const known = new Set(spec_.fields.map((f) => f.name));
      for (const key of Object.keys(input)) {
        // Multipart file parts are referenced through attach:// and are not parameters themselves.
        if (!known.has(key) && !files.has(key)) throw badRequest(`unknown parameter "${key}"`);
      }
      const out: Record<string, unknown> = {};
      for (const field of spec_.fields) {
        const value = input[field.name];
        if (value === undefined) {
          if (field.required) throw badRequest(MISSING_WORDING[field.name] ?? `${field.name} is empty`);
          continue;
        }
        try {
          out[field.name] = checkValue(value, field.types, [field.name]);
        } catch (error) {
          if (error instanceof Issue) throw toApiError(error);
          throw error;
        }
      }
      return out;
    },
  };
}
