// Stands in for the serverless platform: starts one function instance (this process), delivers
// the requests of a JSON-lines file to the handler one after another, and prints per request the
// status, the handler's own inference ms, the invocation's wall ms and the ms since this process
// started (the first one is what a cold start costs a user). Usage: node platform.mjs requests.jsonl
import { readFileSync } from 'node:fs';

const { handler } = await import('./handler.mjs');
const requests = readFileSync(process.argv[2], 'utf8').split('\n').filter((line) => line.trim() !== '');
const results = [];
for (const body of requests) {
  const start = performance.now();
  const response = await handler({ body });
  const end = performance.now();
  results.push({ statusCode: response.statusCode, body: JSON.parse(response.body), invocationMs: end - start, sinceProcessStartMs: end });
}
process.stdout.write(`${JSON.stringify(results)}\n`);
process.exit(0);
