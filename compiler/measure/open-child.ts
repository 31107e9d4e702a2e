/**
 * Child process of `measure-fixed.ts`: in a fresh process, imports the bundled runtime and opens
 * one bundle (`Session.createSync`: manifest, plan decoded and checked, kernels compiled and
 * instantiated, steps bound), as a cold start does before its first step; prints the steps and
 * the load's stage times as one JSON line.
 */
const [bundle] = process.argv.slice(2);
if (!bundle) {
  process.stderr.write('usage: open-child.js BUNDLE_DIR\n');
  process.exit(2);
}
const { Session } = (await import(new URL('../../bundle/runtime.js', import.meta.url).href)) as typeof import('../../runtime/index.js');
const session = Session.createSync(bundle);
const { readMs, prepareMs } = session.loadTimings;
process.stdout.write(`${JSON.stringify({ steps: session.plan.steps.length, readMs, prepareMs })}\n`);
await session.dispose();
