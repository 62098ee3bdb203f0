/**
 * The FAQ kept in the clinic's ERP (`connectors.clinic`): read in the patient's language and
 * reused for a few minutes per language. With the ERP down, Lavka's own FAQ is shown when it
 * has one; otherwise the patient gets the apology.
 */
import { createHash } from 'node:crypto';
import type { Locale } from '../../../config/business.ts';
import type { ClinicErpClient } from '../../clinic-erp/clinic-erp.client.ts';
import { erpFaq } from '../../clinic-erp/clinic-erp.contract.ts';
import { isErpUnavailable } from '../../clinic-erp/clinic-erp.errors.ts';
import type { FaqBackend, FaqQuestion } from './faq.backend.ts';

/** What the ERP's FAQ needs. */
export interface ErpFaqDeps {
  client: Pick<ClinicErpClient, 'call'>;
  /** Lavka's own FAQ, shown while the ERP is down. */
  fallback: FaqBackend;
  /** How long one language's list is reused. */
  cacheMs: number;
  now(): number;
}

/**
 * An ERP entry has no id: its place in the list names it, with a short hash of the question
 * so that a button pressed after the list changed never opens another question's answer.
 */
const refOf = (index: number, question: string) => `e${index}x${createHash('sha256').update(question).digest('hex').slice(0, 6)}`;

/** The ERP as the store of the FAQ. */
export function createErpFaqBackend(deps: ErpFaqDeps): FaqBackend {
  const cache = new Map<Locale, { questions: FaqQuestion[]; untilMs: number }>();

  const questions = async (locale: Locale): Promise<FaqQuestion[]> => {
    const cached = cache.get(locale);
    if (cached && cached.untilMs > deps.now()) return cached.questions;
    try {
      const answer = await deps.client.call('faq', { query: { language: locale }, answer: erpFaq });
      const list = answer.slice(0, 200).map((entry, index) => ({ ref: refOf(index, entry.question), question: entry.question, answer: entry.answer }));
      cache.set(locale, { questions: list, untilMs: deps.now() + deps.cacheMs });
      return list;
    } catch (error) {
      if (!isErpUnavailable(error)) throw error;
      const own = await deps.fallback.questions(locale);
      if (own.length > 0) return own;
      throw error;
    }
  };

  return {
    questions,
    async question(locale, ref) {
      return (await questions(locale)).find((item) => item.ref === ref);
    },
  };
}
