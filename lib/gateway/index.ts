import { SimulatorGateway } from './simulator';
import type { Gateway } from './types';

export type { DeliveryReport, Gateway, OutgoingMessage, SendOutcome } from './types';

let cached: Gateway | undefined;

/** GATEWAY=simulator (default) or GATEWAY=smsapi with SMSAPI_TOKEN. */
export async function getGateway(): Promise<Gateway> {
  if (cached) return cached;
  const kind = process.env.GATEWAY ?? 'simulator';
  if (kind === 'simulator') cached = new SimulatorGateway();
  else if (kind === 'smsapi') {
    const token = process.env.SMSAPI_TOKEN;
    if (!token) throw new Error('GATEWAY=smsapi needs SMSAPI_TOKEN');
    const { SmsapiGateway } = await import('./smsapi');
    const secret = process.env.DLR_SECRET;
    const appUrl = process.env.APP_URL;
    cached = new SmsapiGateway({
      token,
      baseUrl: process.env.SMSAPI_URL,
      notifyUrl: appUrl && secret ? `${appUrl}/api/gateway/smsapi/dlr?secret=${encodeURIComponent(secret)}` : undefined,
    });
  } else throw new Error(`Unknown GATEWAY "${kind}"`);
  return cached;
}
