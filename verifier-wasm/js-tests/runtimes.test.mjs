// Deno and Bun (their binaries ship in the npm packages `deno` and `bun`): the consumer
// project imports the package through its "deno" and "node" export conditions.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

import { assertAllPassed, consumer } from "./harness.mjs";

const bin = (name) =>
  fileURLToPath(new URL(`./node_modules/.bin/${name}`, import.meta.url));

function suiteIn(command, args) {
  const output = execFileSync(command, args, {
    cwd: consumer,
    encoding: "utf8",
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
  });
  return JSON.parse(output);
}

test("Deno: the shared suite passes, reading only the project folder", () => {
  const results = suiteIn(bin("deno"), [
    "run",
    "--allow-read=.",
    "--no-prompt",
    "run-suite.mjs",
  ]);
  assertAllPassed(assert, results, "deno");
});

test("Bun: the shared suite passes", () => {
  assertAllPassed(assert, suiteIn(bin("bun"), ["run-suite.mjs"]), "bun");
});
