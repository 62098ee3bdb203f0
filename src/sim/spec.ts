// The Bot API spec (bot-api-spec.json) is the single source of truth for parameter
// validation. This module loads it and answers the one question the JSON leaves open:
// which value of the discriminator field (`type`, `source`, `status`) picks each subtype.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One parameter of a method or one field of a type. */
export interface SpecField {
  name: string;
  types: string[];
  required: boolean;
}

/** A concrete object type, or an abstract one listing its subtypes. */
export interface SpecType {
  fields?: SpecField[];
  subtypes?: string[];
  subtype_of?: string[];
}

/** One Bot API method. */
export interface SpecMethod {
  returns: string[];
  fields: SpecField[];
}

/** The whole spec file. */
export interface BotApiSpec {
  version: string;
  methods: Record<string, SpecMethod>;
  types: Record<string, SpecType>;
}

/** Reads bot-api-spec.json next to this file. */
export function loadBotApiSpec(): BotApiSpec {
  const raw = readFileSync(join(import.meta.dirname, 'bot-api-spec.json'), 'utf8');
  return JSON.parse(raw) as BotApiSpec;
}

const DISCRIMINATOR_FIELDS = ['type', 'source', 'status'] as const;

// Values Telegram uses that do not follow the "strip the parent's name, snake_case the rest" rule.
const DISCRIMINATOR_OVERRIDES: Record<string, string> = {
  ChatMemberOwner: 'creator',
  ChatMemberBanned: 'kicked',
  PassportElementErrorDataField: 'data',
};

/** How an abstract type picks its subtype: the field to read and the value → subtype map. */
export interface Discriminator {
  field: string;
  values: Map<string, string>;
}

function snakeCase(camel: string): string {
  return camel
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * The discriminator of an abstract type, or undefined when its subtypes carry no common
 * `type`/`source`/`status` field (then the validator tries each subtype in turn).
 */
export function discriminatorOf(spec: BotApiSpec, abstractName: string): Discriminator | undefined {
  const subtypes = spec.types[abstractName]?.subtypes ?? [];
  const concrete = subtypes.map((name) => ({ name, type: spec.types[name] }));
  if (concrete.length === 0 || concrete.some((s) => !s.type?.fields)) return undefined;
  const field = DISCRIMINATOR_FIELDS.find((candidate) =>
    concrete.every((s) => s.type?.fields?.some((f) => f.name === candidate && f.required)),
  );
  if (!field) return undefined;
  const values = new Map<string, string>();
  for (const { name } of concrete) {
    values.set(DISCRIMINATOR_OVERRIDES[name] ?? discriminatorValue(abstractName, name), name);
  }
  return { field, values };
}

function discriminatorValue(abstractName: string, subtypeName: string): string {
  let rest = subtypeName.startsWith(abstractName) ? subtypeName.slice(abstractName.length) : subtypeName;
  // Subtypes shared by several abstract types (InputMediaPhoto under InputPollMedia) keep
  // their own family prefix, so strip the longest known family name instead.
  for (const family of ['InputMedia', 'InputPaidMedia', 'InlineQueryResultCached', 'InlineQueryResult']) {
    if (subtypeName.startsWith(family) && subtypeName.length > family.length) {
      rest = subtypeName.slice(family.length);
      break;
    }
  }
  return snakeCase(rest);
}
