/**
 * The usual end-to-end setup: a strict fake Anthropic upstream, the gateway in front of it, and the
 * official `openai` SDK (no retries, so tests see every response) pointed at the gateway.
 */
import OpenAI from 'openai';
import { startFakeAnthropic, type FakeAnthropic } from './fake-anthropic.ts';
import { startGateway, type GatewayOptions, type RunningGateway } from './gateway.ts';

export interface E2e {
  fake: FakeAnthropic;
  gateway: RunningGateway;
  client: OpenAI;
}

export async function startE2e(options: Omit<GatewayOptions, 'upstreamUrl'> = {}): Promise<E2e> {
  const fake = await startFakeAnthropic();
  const gateway = await startGateway({ ...options, upstreamUrl: fake.url });
  const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: gateway.masterKey, maxRetries: 0 });
  return { fake, gateway, client };
}

export async function stopE2e(e2e: Pick<E2e, 'fake' | 'gateway'>): Promise<void> {
  await e2e.gateway.close();
  await e2e.fake.close();
}
