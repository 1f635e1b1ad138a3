import { campaignStatus } from '@/db/schema';

/** A campaign's states, as the schema's enum has them: the one list pages, PDFs and badges read. */
export const CAMPAIGN_STATES = campaignStatus.enumValues;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];

/** The state a stored value names, or undefined for one this code does not know. */
export function campaignState(value: string): CampaignState | undefined {
  return CAMPAIGN_STATES.find((state) => state === value);
}
