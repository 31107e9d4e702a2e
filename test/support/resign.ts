/**
 * Re-signs a manifest entry for changed bytes (size, sha256 and CRC-32), so that damage a test
 * makes to a file gets past the manifest's checks to what comes after them.
 */
import type { BundleFileEntry } from '../../runtime/bundle/manifest.js';
import { crc32, sha256 } from '../../runtime/bundle/read-bundle.js';

export function resign(entry: BundleFileEntry, bytes: Uint8Array): void {
  entry.bytes = bytes.length;
  entry.sha256 = sha256(bytes);
  entry.crc32 = crc32(bytes);
}
