// How many limb products per cycle V8 gets from the loop shape RSA's Montgomery products
// are made of, with nothing around it: a hand-written wasm loop that sums two columns at
// once as `rsa_montgomery.rs` does (one 16-byte load of the shared operand, two of the
// other, four `i64x2.extmul_*_i32x4_u` and four adds: 8 products per step), called
// with 9 to 200 steps per call. Next to it, the same sums with `f64x2` products (exact only
// for limbs of at most 22 bits here, so 1.75x as many products for RSA-2048), and a chain
// of dependent `i64.mul` that gives the clock, taking a 64-bit multiply's latency as 3
// cycles (AMD Zen and Intel cores alike).
// Usage: node --no-liftoff loop-limit.mjs
import wabtInit from "wabt";

const wabt = await wabtInit();

function instantiate(text) {
  const parsed = wabt.parseWat("loop.wat", text);
  const { buffer } = parsed.toBinary({});
  parsed.destroy();
  return new WebAssembly.Instance(new WebAssembly.Module(buffer)).exports;
}

// `run(reps, steps)` calls `pass` reps times over the same 16 KB of zeros.
const driver = (result) => `
  (func (export "run") (param $reps i32) (param $steps i32) (result ${result})
    (local $s ${result})
    (loop $l
      (local.set $s (${result}.add (local.get $s)
        (call $pass (i32.const 0) (i32.const 8192) (local.get $steps))))
      (br_if $l (local.tee $reps (i32.sub (local.get $reps) (i32.const 1)))))
    (local.get $s))`;

const extmul = instantiate(`(module (memory 1)
  (func $pass (param $x i32) (param $y i32) (param $steps i32) (result i64)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $xv v128)
    (local $y1 v128) (local $y2 v128)
    (loop $l
      (local.set $xv (v128.load (local.get $x)))
      (local.set $y1 (v128.load offset=4 (local.get $y)))
      (local.set $y2 (v128.load (local.get $y)))
      (local.set $a0 (i64x2.add (local.get $a0) (i64x2.extmul_low_i32x4_u (local.get $xv) (local.get $y1))))
      (local.set $a1 (i64x2.add (local.get $a1) (i64x2.extmul_high_i32x4_u (local.get $xv) (local.get $y1))))
      (local.set $a2 (i64x2.add (local.get $a2) (i64x2.extmul_low_i32x4_u (local.get $xv) (local.get $y2))))
      (local.set $a3 (i64x2.add (local.get $a3) (i64x2.extmul_high_i32x4_u (local.get $xv) (local.get $y2))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (br_if $l (local.tee $steps (i32.sub (local.get $steps) (i32.const 1)))))
    (i64.add
      (i64.add (i64x2.extract_lane 0 (local.get $a0)) (i64x2.extract_lane 1 (local.get $a1)))
      (i64.add (i64x2.extract_lane 0 (local.get $a2)) (i64x2.extract_lane 1 (local.get $a3)))))
  ${driver("i64")})`);

const float = instantiate(`(module (memory 1)
  (func $pass (param $x i32) (param $y i32) (param $steps i32) (result f64)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $x0 v128) (local $x1 v128)
    (loop $l
      (local.set $x0 (v128.load (local.get $x)))
      (local.set $x1 (v128.load offset=16 (local.get $x)))
      (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $x0) (v128.load offset=8 (local.get $y)))))
      (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $x1) (v128.load offset=24 (local.get $y)))))
      (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $x0) (v128.load (local.get $y)))))
      (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $x1) (v128.load offset=16 (local.get $y)))))
      (local.set $x (i32.add (local.get $x) (i32.const 32)))
      (local.set $y (i32.add (local.get $y) (i32.const 32)))
      (br_if $l (local.tee $steps (i32.sub (local.get $steps) (i32.const 1)))))
    (f64.add
      (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a1)))
      (f64.add (f64x2.extract_lane 0 (local.get $a2)) (f64x2.extract_lane 1 (local.get $a3)))))
  ${driver("f64")})`);

const multiplies = Array(8)
  .fill("(local.set $x (i64.mul (local.get $x) (local.get $m)))")
  .join("\n");
const clock = instantiate(`(module
  (func (export "chain") (param $n i32) (param $m i64) (result i64)
    (local $x i64)
    (local.set $x (i64.const 1))
    (loop $l
      ${multiplies}
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $x)))`);

function best(fn) {
  fn();
  let fastest = Infinity;
  for (let round = 0; round < 7; round += 1) {
    const start = performance.now();
    fn();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

const ITERATIONS = 1e8;
const chainMs = best(() => clock.chain(ITERATIONS, 3n));
const ghz = (ITERATIONS * 8 * 3) / (chainMs * 1e6);
console.log(
  `clock: ${ghz.toFixed(2)} GHz (8 dependent i64.mul per step, 3 cycles each)`,
);
console.log(
  "| steps per call | extmul products/cycle | f64x2 products/cycle |",
);
console.log("|---|---|---|");
for (const steps of [9, 18, 36, 200]) {
  const reps = Math.floor(3e7 / steps);
  const cycles = (ms) => ms * 1e6 * ghz;
  const products = reps * steps * 8;
  const extmulRate = products / cycles(best(() => extmul.run(reps, steps)));
  const floatRate = products / cycles(best(() => float.run(reps, steps)));
  console.log(
    `| ${steps} | ${extmulRate.toFixed(2)} | ${floatRate.toFixed(2)} |`,
  );
}
