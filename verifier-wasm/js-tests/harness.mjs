// Shared by the *.test.mjs files: where the consumer project is, and its vectors.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const consumer = process.env.KMSJWT_CONSUMER;
if (!consumer) throw new Error("run through run.sh (make js-test): KMSJWT_CONSUMER is not set");

export const vectors = JSON.parse(readFileSync(join(consumer, "verify.json"), "utf8"));

/** The package as the consumer project resolves it (with the "node" condition). */
export const importPackage = () => import(pathToFileURL(join(consumer, "entry.mjs")).href);

/** The shared suite, loaded from the consumer project like every runtime loads it. */
export const importSuite = () => import(pathToFileURL(join(consumer, "suite.mjs")).href);

/** Fails with every failing case named, or passes with the count. */
export function assertAllPassed(assert, results, where) {
  const failed = results.filter((result) => !result.ok);
  assert.deepEqual(failed, [], `${where}: ${failed.length} of ${results.length} failed`);
  assert.ok(results.length > vectors.length, `${where} ran ${results.length} cases`);
}
