/**
 * Whether a campaign document is this site's own county's or another place's, shown on every
 * listing and page of it: residents must not take another county's deadlines for their own.
 */
import { jurisdiction } from '../../config/jurisdiction.ts';

export function isOwnPlace(region: string): boolean {
  return region === jurisdiction.countyFullName || region.endsWith(jurisdiction.countyName);
}

export const ELSEWHERE_LABEL = '外地参考';
