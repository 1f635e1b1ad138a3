'use client';

import { useSyncExternalStore } from 'react';

let known: string[] | null = null;
const knownZones = () => (known ??= Intl.supportedValuesOf('timeZone'));
const unchanging = () => () => {};

/**
 * The options of a time-zone select: the chosen zone on the server, every zone the browser knows
 * once it runs (the server checks whichever comes back). About 420 zones as HTML and again as page
 * data would be a quarter of a page that mostly never opens the list.
 */
export function TimeZoneOptions({ current }: { current: string }) {
  const zones = useSyncExternalStore(unchanging, knownZones, () => null) ?? [];
  return (zones.includes(current) ? zones : [current, ...zones]).map((zone) => (
    <option key={zone} value={zone}>
      {zone}
    </option>
  ));
}
