// TypeScript: a consumer file using every export compiles with --strict against the
// package's own .d.ts (resolved through the "types" export condition).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

import { consumer } from "./harness.mjs";

const tsc = fileURLToPath(
  new URL("./node_modules/typescript/bin/tsc", import.meta.url),
);

/** tsc --noEmit --strict on one file of the consumer project: whether it passed, and its output. */
function typecheck(file) {
  const args = [
    tsc,
    "--noEmit",
    "--strict",
    "--module",
    "nodenext",
    "--moduleResolution",
    "nodenext",
  ];
  try {
    const stdout = execFileSync(
      process.execPath,
      [...args, "--target", "es2022", "--lib", "es2022,dom", file],
      { cwd: consumer, encoding: "utf8" },
    );
    return { passed: true, stdout };
  } catch (error) {
    return { passed: false, stdout: error.stdout };
  }
}

test("TypeScript: tsc --noEmit --strict on a consumer using every export", () => {
  assert.deepEqual(typecheck("consumer.ts"), { passed: true, stdout: "" });
});

test("TypeScript: a wrong option type is a compile error", async () => {
  const { writeFileSync } = await import("node:fs");
  writeFileSync(
    `${consumer}/wrong.ts`,
    'import { verify } from "kmsjwt-verify";\nverify("t", "k", { algorithms: ["HS256"] });\n',
  );
  const { passed, stdout } = typecheck("wrong.ts");
  assert.equal(passed, false);
  assert.match(stdout, /"HS256"/);
});
