/**
 * Run the fake Anthropic upstream as its own process (multi-process tests, manual runs):
 *   node --import tsx test/helpers/fake-anthropic-main.ts
 *   [--api-key sk-ant-test] [--text "Hello from the fake upstream."]
 * Prints one JSON line `{"url":"http://127.0.0.1:PORT"}` on stdout once listening; default replies
 * only (scenarios are an in-process API).
 * Exits on SIGTERM/SIGINT or when stdin closes (so an orphaned fake never outlives its parent).
 */
import { startFakeAnthropic } from './fake-anthropic.ts';

const arg = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const fake = await startFakeAnthropic({ apiKey: arg('--api-key'), defaultText: arg('--text') });
process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void fake.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
