/**
 * Mobile networks by MCC+MNC, as delivery reports name them (a small shipped table: the
 * Bulgarian networks and the foreign ones Bulgarian senders reach most). A code not here is shown
 * as it came; a message whose report named none is "unknown network".
 */
export const NETWORKS: Readonly<Record<string, { name: string; country: string }>> = {
  '28401': { name: 'A1 Bulgaria', country: 'BG' },
  '28403': { name: 'Vivacom', country: 'BG' },
  '28405': { name: 'Yettel Bulgaria', country: 'BG' },
  '26201': { name: 'Telekom Deutschland', country: 'DE' },
  '26202': { name: 'Vodafone Germany', country: 'DE' },
  '22610': { name: 'Orange Romania', country: 'RO' },
  '20201': { name: 'Cosmote Greece', country: 'GR' },
  '23430': { name: 'EE United Kingdom', country: 'GB' },
  '28601': { name: 'Turkcell', country: 'TR' },
  '310260': { name: 'T-Mobile US', country: 'US' },
};

/** MCC+MNC: three digits, then two or three. */
export const NETWORK_CODE = /^\d{5,6}$/;

/** The network's name; the code itself when the table does not have it; null for none. */
export function networkName(code: string | null): string | null {
  if (code === null) return null;
  return NETWORKS[code]?.name ?? code;
}
