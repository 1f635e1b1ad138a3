import { z } from 'zod';
import { insightsReply } from '@/lib/insights/api';
import { idSchema } from '@/lib/validation';
import type { Operation } from './operations';

/**
 * Deliverability figures (lib/insights): a campaign's, and an account's for a period of local
 * days. Registered in ./operations.ts OPERATIONS like the others.
 */

const NO_PARAMETERS = z.strictObject({});
const day = z.string({ error: 'bad_date' }).regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'bad_date' });

export const getCampaignInsights = {
  id: 'getCampaignInsights',
  method: 'GET',
  path: '/api/campaigns/{id}/insights',
  tag: 'Insights',
  params: z.strictObject({ id: idSchema }),
  input: NO_PARAMETERS,
  refusals: ['campaign_not_found'],
  answer: { status: 200, schema: insightsReply },
  example: { params: { id: '0b9d6a3e-5f7c-4e1a-9b2d-3c4e5f6a7b8c' }, input: {} },
} satisfies Operation;

export const getInsights = {
  id: 'getInsights',
  method: 'GET',
  path: '/api/insights',
  tag: 'Insights',
  params: NO_PARAMETERS,
  input: z.strictObject({ from: day, to: day }),
  refusals: ['bad_date', 'start_after_end', 'period_too_long', 'end_in_future'],
  answer: { status: 200, schema: insightsReply.extend({ period: z.object({ from: z.string(), to: z.string(), time_zone: z.string() }) }) },
  example: { input: { from: '2026-11-01', to: '2026-11-30' } },
} satisfies Operation;

export const INSIGHT_OPERATIONS = [getCampaignInsights, getInsights] as const;
