import { env } from '@/lib/env';
import { SimulatorGateway } from './simulator';
import type { Gateway } from './types';

export type { DeliveryReport, Gateway, OutgoingMessage, SendOutcome } from './types';

let cached: Gateway | undefined;

/** GATEWAY=simulator (default) or GATEWAY=smsapi with SMSAPI_TOKEN. */
export async function getGateway(): Promise<Gateway> {
  if (cached) return cached;
  const { GATEWAY, SMSAPI_TOKEN, SMSAPI_URL, DLR_SECRET, APP_URL } = env();
  if (GATEWAY === 'simulator') cached = new SimulatorGateway();
  else {
    const { SmsapiGateway } = await import('./smsapi');
    cached = new SmsapiGateway({
      token: SMSAPI_TOKEN!, // required with GATEWAY=smsapi (lib/env.ts)
      baseUrl: SMSAPI_URL,
      notifyUrl: APP_URL && DLR_SECRET ? `${APP_URL}/api/gateway/smsapi/dlr?secret=${encodeURIComponent(DLR_SECRET)}` : undefined,
    });
  }
  return cached;
}
