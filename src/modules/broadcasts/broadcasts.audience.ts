import type { Locale } from '../../config/business.ts';
import type { AudienceSegment } from '../module.ts';
import type { AudienceMember, BroadcastsRepository } from './broadcasts.repository.ts';
import { BroadcastError, type Audience, type BroadcastsServiceDeps } from './broadcasts.shared.ts';

/**
 * Resolving an audience: the module segments by name, who the users module can reach, and
 * the recipients after opt-outs and the language or segment filter.
 */
export function createBroadcastsAudience(
  deps: Pick<BroadcastsServiceDeps, 'users'>,
  repository: BroadcastsRepository,
  moduleSegments: readonly AudienceSegment[],
  localeOf: (member: Pick<AudienceMember, 'locale' | 'language_code'>) => Locale,
) {
  const segmentNamed = (name: string) => moduleSegments.find((segment) => segment.name === name);

  /** Who the users module can reach, before opt-outs and language or segment filters. */
  const reachableFor = (audience: Audience): Promise<AudienceMember[]> => {
    switch (audience.kind) {
      case 'tag':
        return deps.users.reachable({ tags: audience.tags });
      case 'ids':
        return deps.users.reachable({ ids: audience.ids });
      default:
        return deps.users.reachable();
    }
  };

  const resolveAudience = async (audience: Audience): Promise<AudienceMember[]> => {
    const unsubscribed = await repository.unsubscribedIds();
    const members = (await reachableFor(audience)).filter((member) => !unsubscribed.has(member.id));
    switch (audience.kind) {
      case 'language':
        return members.filter((member) => audience.locales.includes(localeOf(member)));
      case 'segment': {
        const segment = segmentNamed(audience.name);
        if (!segment) throw new BroadcastError('broadcasts.unknown_segment', `no module offers the segment ${audience.name}`);
        const inSegment = new Set(await segment.userIds(audience.parameter));
        return members.filter((member) => inSegment.has(member.id) !== audience.negate);
      }
      default:
        return members;
    }
  };

  return { segmentNamed, reachableFor, resolveAudience };
}
