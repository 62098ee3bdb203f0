import { type ErrorKind, refusalClass } from '../../platform/errors.ts';

/** Why a change to the API keys is refused. */
export type IntegrationsErrorCode = 'integrations.not_found' | 'integrations.already_revoked' | 'integrations.expiry_past' | 'integrations.invalid_input' | 'integrations.managed_endpoint';

const KINDS: Readonly<Record<IntegrationsErrorCode, ErrorKind>> = {
  'integrations.not_found': 'not_found',
  'integrations.already_revoked': 'conflict',
  'integrations.expiry_past': 'invalid',
  'integrations.invalid_input': 'invalid',
  'integrations.managed_endpoint': 'conflict',
};

/** A refusal of the integrations module. */
export class IntegrationsError extends refusalClass<IntegrationsErrorCode>('IntegrationsError', KINDS) {}
