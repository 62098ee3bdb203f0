// What the app hands every section (a folder of sections/): who opened it and their texts.

import type { Session } from '../api.ts';
import type { Translate } from '../i18n.ts';

/** What every section receives. */
export interface SectionProps {
  session: Session;
  t: Translate;
}
