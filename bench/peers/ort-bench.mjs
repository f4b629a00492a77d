// SPDX-License-Identifier: MIT
// ort-bench.mjs - the ONNX Runtime peer of bench/recog: one network exported
// by bench/export-onnx.py, timed on 1 and 2 intra-op threads at batch 1 and
// batch 8 on inputs bench/recog wrote, with the outputs of the batch run
// written back for the parity check.
//
//   node ort-bench.mjs --model FILE.onnx --input FILE --count N --size S
//        [--reps N] [--out FILE] [--threads 1,2] [--batches 1,8]
//
// --input holds N tensors of S x S x 3 float32 (little-endian) pixels, as
// the model's "pixels" input takes them; batch B uses tensors 0..B-1 (cycled
// when N < B). One JSON line per (threads, batch): median wall and process
// CPU milliseconds per call over --reps calls after two warm-up calls (CPU
// time counts every thread of the process, ONNX Runtime's pool included).
// --out gets the outputs of the first thread count's largest batch.
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';

const args = process.argv.slice(2);
const opt = { reps: 10, threads: '1,2', batches: '1,8' };
for (let i = 0; i < args.length; i += 2) {
  if (!args[i].startsWith('--') || i + 1 >= args.length) {
    console.error(`ort-bench: bad argument ${args[i]}`);
    process.exit(2);
  }
  opt[args[i].slice(2)] = args[i + 1];
}
for (const k of ['model', 'input', 'count', 'size']) {
  if (opt[k] === undefined) {
    console.error(`ort-bench: --${k} is required`);
    process.exit(2);
  }
}
const count = Number(opt.count), size = Number(opt.size), reps = Math.max(1, Number(opt.reps));
const per = size * size * 3;
const buf = readFileSync(opt.input);
if (buf.length !== count * per * 4) {
  console.error(`ort-bench: ${opt.input}: ${buf.length} bytes, expected ${count * per * 4}`);
  process.exit(2);
}
const pixels = new Float32Array(buf.buffer, buf.byteOffset, count * per);

function batchTensor(b) {
  const data = new Float32Array(b * per);
  for (let i = 0; i < b; i++)
    data.set(pixels.subarray((i % count) * per, (i % count + 1) * per), i * per);
  return new ort.Tensor('float32', data, [b, size, size, 3]);
}

function median(v) {
  const s = [...v].sort((a, b) => a - b), n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

const threads = opt.threads.split(',').map(Number);
const batches = opt.batches.split(',').map(Number);
let saved = false;
for (const t of threads) {
  const session = await ort.InferenceSession.create(opt.model, {
    intraOpNumThreads: t,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const inName = session.inputNames[0], outName = session.outputNames[0];
  for (const b of batches) {
    const feeds = { [inName]: batchTensor(b) };
    let out;
    for (let i = 0; i < 2; i++)
      out = await session.run(feeds);
    const wall = [], cpu = [];
    for (let i = 0; i < reps; i++) {
      const c0 = process.cpuUsage(), t0 = performance.now();
      out = await session.run(feeds);
      wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    console.log(JSON.stringify({ ort: ort.env.versions.common, model: opt.model, threads: t,
      batch: b, wall_ms: median(wall), cpu_ms: median(cpu) }));
    if (!saved && opt.out !== undefined && b === Math.max(...batches)) {
      const o = out[outName].data;
      writeFileSync(opt.out, Buffer.from(o.buffer, o.byteOffset, o.byteLength));
      saved = true;
    }
  }
  await session.release();
}
