// The machine's speed, second by second, as three small wasm loops see it: the shape of
// RSA's column sums (two 16-byte loads, two i64x2.extmul and two adds per four products),
// the same multiplies and adds on registers only, and a scalar i64 multiply-add chain on
// registers only. It sleeps between samples (about 1 ms of work a second), so it can run
// beside a benchmark to tell which phase the machine is in: on the 2-vCPU VM of the README
// the column-sum loop's time moves by up to 2.6x from one second to the next, the
// register-only loops' less.
// Usage: node [--no-liftoff] phase.mjs [seconds, default 30]
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

import { median } from "./stats.mjs";

// binaryen is the version the package build pins (its wasm-opt).
const require = createRequire(
  new URL("../js-tests/package.json", import.meta.url),
);
// An ES module with top-level await, so imported rather than required.
const { default: binaryen } = await import(
  pathToFileURL(require.resolve("binaryen")).href
);

const WAT = `(module
  (memory 1)
  (func (export "columns") (param $n i32) (result i64)
    (local $acc v128) (local $i i32) (local $j i32)
    (loop $outer
      (local.set $i (i32.const 0)) (local.set $j (i32.const 512))
      (loop $inner
        (local.set $acc (i64x2.add (local.get $acc)
          (i64x2.extmul_low_i32x4_u (v128.load (local.get $i)) (v128.load (local.get $j)))))
        (local.set $acc (i64x2.add (local.get $acc)
          (i64x2.extmul_high_i32x4_u (v128.load (local.get $i)) (v128.load (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $inner (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (i32.const 512))))
      (br_if $outer (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i64.add (i64x2.extract_lane 0 (local.get $acc)) (i64x2.extract_lane 1 (local.get $acc))))
  (func (export "simd_registers") (param $n i32) (result i64)
    (local $acc v128) (local $x v128) (local $y v128) (local $k i32)
    (local.set $x (v128.const i32x4 1 2 3 4)) (local.set $y (v128.const i32x4 5 6 7 8))
    (loop $outer
      (local.set $k (i32.const 32))
      (loop $inner
        (local.set $acc (i64x2.add (local.get $acc) (i64x2.extmul_low_i32x4_u (local.get $x) (local.get $y))))
        (local.set $acc (i64x2.add (local.get $acc) (i64x2.extmul_high_i32x4_u (local.get $x) (local.get $y))))
        (local.set $x (i32x4.add (local.get $x) (local.get $y)))
        (br_if $inner (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
      (br_if $outer (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i64.add (i64x2.extract_lane 0 (local.get $acc)) (i64x2.extract_lane 1 (local.get $acc))))
  (func (export "scalar_registers") (param $n i32) (result i64)
    (local $a i64) (local $b i64) (local $k i32)
    (local.set $a (i64.const 3)) (local.set $b (i64.const 5))
    (loop $outer
      (local.set $k (i32.const 32))
      (loop $inner
        (local.set $a (i64.add (i64.mul (local.get $a) (i64.const 0x5851f42d)) (i64.const 1)))
        (local.set $b (i64.add (i64.mul (local.get $b) (i64.const 0x5851f42d)) (i64.const 1)))
        (br_if $inner (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
      (br_if $outer (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i64.add (local.get $a) (local.get $b))))`;

const parsed = binaryen.parseText(WAT);
parsed.setFeatures(binaryen.Features.SIMD128);
if (!parsed.validate()) throw new Error("the probe module does not validate");
const { instance } = await WebAssembly.instantiate(parsed.emitBinary());
parsed.dispose();

const LOOPS = ["columns", "simd_registers", "scalar_registers"];
const ROUNDS = 2000;
const microseconds = (name) => {
  const start = performance.now();
  instance.exports[name](ROUNDS);
  return (performance.now() - start) * 1000;
};
for (let warm = 0; warm < 200; warm += 1) LOOPS.forEach(microseconds);

const seconds = Number(process.argv[2] ?? 30);
const times = Object.fromEntries(LOOPS.map((name) => [name, []]));
console.log(`µs per call (${ROUNDS} rounds), one line a second\n`);
console.log(`| s | ${LOOPS.join(" | ")} |`);
console.log(`|---|${LOOPS.map(() => "---|").join("")}`);
const begin = performance.now();
for (let second = 0; second < seconds; second += 1) {
  const row = LOOPS.map((name) => {
    const time = Math.min(microseconds(name), microseconds(name));
    times[name].push(time);
    return time.toFixed(0);
  });
  console.log(`| ${second} | ${row.join(" | ")} |`);
  const rest = begin + (second + 1) * 1000 - performance.now();
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, rest)));
}
console.log(
  `\n| loop | min | median | max | max/min |\n|---|---|---|---|---|\n` +
    LOOPS.map((name) => {
      const list = times[name];
      const low = Math.min(...list);
      const high = Math.max(...list);
      return `| ${name} | ${low.toFixed(0)} | ${median(list).toFixed(0)} | ${high.toFixed(0)} | ${(high / low).toFixed(2)} |`;
    }).join("\n"),
);
