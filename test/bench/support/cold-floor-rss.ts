/**
 * Child process of cold.bench: the floor's peak RSS. `node -e 0` cannot report it, so this
 * process, which imports nothing else, prints `{ maxRssKB, ownPeakRssKB }` as one JSON line.
 */
import { ownPeakRssKB } from './cold-child.js';

process.stdout.write(`${JSON.stringify({ maxRssKB: process.resourceUsage().maxRSS, ownPeakRssKB: ownPeakRssKB() })}\n`);
