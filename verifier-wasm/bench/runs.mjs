// make bench-js: bench.mjs in RUNS fresh Node processes (default 3) one after the other,
// each run's tables as it ends, then a summary: kmsjwt's µs as the median of the runs'
// medians and each ratio as its lowest and highest over the runs. The machine changes
// speed between runs (and jose's own time with it), so a single run's ratio can mislead;
// the README quotes this summary.
// Usage: node runs.mjs [path/to/pkg/node.js]   (RUNS=5, BENCH_ALGS=... as for bench.mjs)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { median, perRoundRatio } from "./stats.mjs";

const RUNS = Number(process.env.RUNS ?? 3);
const bench = new URL("bench.mjs", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "kmsjwt-bench-"));

const range = (values) => {
  const low = Math.min(...values).toFixed(2);
  const high = Math.max(...values).toFixed(2);
  return low === high ? `${low}x` : `${low}-${high}x`;
};

const runs = [];
try {
  for (let run = 1; run <= RUNS; run += 1) {
    console.log(`\nRun ${run} of ${RUNS}`);
    const out = join(dir, `run-${run}.json`);
    execFileSync(process.execPath, [bench, ...process.argv.slice(2)], {
      stdio: "inherit",
      env: { ...process.env, BENCH_JSON: out },
    });
    runs.push(JSON.parse(readFileSync(out, "utf8")));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  `\nSummary of ${RUNS} runs: µs = median of the runs' medians; ratio = lowest-highest over the runs\n`,
);
console.log(
  "| alg | kmsjwt cached | jose cached | fast-jwt cached | jsonwebtoken cached | kmsjwt cold | jose cold |",
);
console.log("|---|---|---|---|---|---|---|");
for (const { alg } of runs[0].rows) {
  const rows = runs.map((run) => run.rows.find((row) => row.alg === alg));
  const us = (name) => median(rows.map((row) => median(row[name]))).toFixed(0);
  // A verifier's µs and its ratios to jose's time (the same kind: cached or cold).
  const cell = (name, base) =>
    rows[0][name] === undefined
      ? "n/a"
      : `${us(name)} (${range(rows.map((row) => perRoundRatio(row[name], row[base])))})`;
  console.log(
    `| ${alg} | ${cell("kmsjwt cached", "jose cached")} | ${us("jose cached")} | ` +
      `${cell("fast-jwt cached", "jose cached")} | ${cell("jsonwebtoken cached", "jose cached")} | ` +
      `${cell("kmsjwt cold", "jose cold")} | ${us("jose cold")} |`,
  );
}
if (runs[0].pureRows.length > 0) {
  console.log("\n| alg | kmsjwt cached | pure-JS peer | ratio |");
  console.log("|---|---|---|---|");
  for (const { alg, peer } of runs[0].pureRows) {
    const rows = runs.map((run) => run.pureRows.find((row) => row.alg === alg));
    const us = (name) =>
      median(rows.map((row) => median(row[name]))).toFixed(0);
    console.log(
      `| ${alg} | ${us("kmsjwt")} | ${peer}: ${us("noble")} | ${range(rows.map((row) => perRoundRatio(row.kmsjwt, row.noble)))} |`,
    );
  }
}
