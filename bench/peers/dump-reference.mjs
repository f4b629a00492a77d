#!/usr/bin/env node
// SPDX-License-Identifier: MIT
//
// dump-reference.mjs - the reference pipeline: stock @vladmandic/face-api
// 1.7.15 on @tensorflow/tfjs 4.22.0 with the wasm backend, run stage by stage
// on fixed inputs, printing the numbers our engine must reproduce (parity
// golden files in tests/data/parity/) or timing each stage (bench/recog).
//
// A development tool, not a runtime dependency of faceaudit. Setup:
//   cd bench/peers && npm ci
// Usage:
//   node dump-reference.mjs [--models DIR] [--label-root DIR]... [--jpeg djpeg|jpeg-js]
//        [--dump-rgb DIR] [--out-dir DIR] [--check-api] [--bench N] IMAGE...
//
// Pixels: JPEG files are decoded by libjpeg-turbo's djpeg (default: the same
// library and default settings faceaudit decodes with, so the C tests feed
// our networks the identical RGB buffer without node) or by jpeg-js
// (--jpeg jpeg-js); PNG by pngjs (lossless, so libpng gives the same bytes);
// PGM/PPM by the small reader below. Grey becomes RGB by replication, alpha is
// dropped. Each record carries the SHA-256 of the H x W x 3 RGB buffer fed to
// face-api, so a test knows it has exactly these pixels.
//
// Stages per image (see tests/data/parity/README for the record format):
//   detector tiny  TinyFaceDetector, inputSize 416, scoreThreshold 0.5
//   detector ssd   SSD MobileNetV1, minConfidence 0.5, maxResults 100
//   face i         for TinyFaceDetector box i: FaceLandmark68Net and
//                  FaceLandmark68TinyNet landmarks (image coordinates), the dlib
//                  alignment rect from the 68Net landmarks, the 128-d descriptor,
//                  AgeGenderNet on the 68Net alignedRect crop (age, gender
//                  softmax, the 512 pooled features)
//   whole          landmarks, descriptor and age/gender of the whole image (face crops)
// --check-api confirms that the stage-by-stage results equal the composed
// detectAllFaces().withFaceLandmarks().withFaceDescriptors() and
// .withAgeAndGender() calls.
// --bench N prints one JSON line per image with the median wall and CPU
// milliseconds of each stage over N runs (after one warm-up) instead.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);

function die(msg) {
  process.stderr.write(`dump-reference: ${msg}\n`);
  process.exit(2);
}

function usage() {
  process.stderr.write('usage: node dump-reference.mjs [--models DIR] [--label-root DIR]... '
    + '[--jpeg djpeg|jpeg-js] [--dump-rgb DIR] [--out-dir DIR] [--check-api] [--bench N] '
    + 'IMAGE...\n');
  process.exit(2);
}

// --- arguments ---------------------------------------------------------------

const opts = {
  models: process.env.FACEAUDIT_MODELS
    || path.join(process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local/share'),
      'faceaudit/models'),
  labelRoots: [],
  jpeg: 'djpeg',
  dumpRgb: null,
  outDir: null,
  checkApi: false,
  bench: 0,
  images: [],
};
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) usage();
      return argv[++i];
    };
    if (a === '--models') opts.models = val();
    else if (a === '--label-root') opts.labelRoots.push(path.resolve(val()));
    else if (a === '--jpeg') opts.jpeg = val();
    else if (a === '--dump-rgb') opts.dumpRgb = val();
    else if (a === '--out-dir') opts.outDir = val();
    else if (a === '--check-api') opts.checkApi = true;
    else if (a === '--bench') opts.bench = parseInt(val(), 10);
    else if (a === '--help' || a === '-h') usage();
    else if (a.startsWith('-')) die(`unknown option ${a}`);
    else opts.images.push(a);
  }
  if (opts.images.length === 0) usage();
  if (opts.jpeg !== 'djpeg' && opts.jpeg !== 'jpeg-js') die('--jpeg is djpeg or jpeg-js');
  if (opts.bench < 0 || Number.isNaN(opts.bench)) die('--bench needs a positive count');
}

// --- decoding ------------------------------------------------------------------

// Parse a binary PGM (P5) or PPM (P6) with maxval 255 into RGB bytes.
function readPnm(buf, file) {
  let pos = 0;
  const token = () => {
    for (;;) {
      while (pos < buf.length && /\s/.test(String.fromCharCode(buf[pos]))) pos++;
      if (buf[pos] === 0x23) { // '#': comment to end of line
        while (pos < buf.length && buf[pos] !== 0x0a) pos++;
      } else break;
    }
    const start = pos;
    while (pos < buf.length && !/\s/.test(String.fromCharCode(buf[pos]))) pos++;
    return buf.toString('latin1', start, pos);
  };
  const magic = token();
  if (magic !== 'P5' && magic !== 'P6') die(`${file}: not a binary PGM/PPM`);
  const w = parseInt(token(), 10);
  const h = parseInt(token(), 10);
  const maxval = parseInt(token(), 10);
  pos++; // the single whitespace after maxval
  if (!(w > 0 && h > 0) || maxval !== 255) die(`${file}: unsupported PNM header`);
  const ch = magic === 'P5' ? 1 : 3;
  if (buf.length - pos < w * h * ch) die(`${file}: truncated PNM data`);
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = buf[pos + i * ch + (ch === 3 ? c : 0)];
  }
  return { width: w, height: h, rgb };
}

function decodeJpeg(buf, file) {
  if (opts.jpeg === 'djpeg') {
    // djpeg's defaults (islow DCT, fancy upsampling, no scaling) are libjpeg's.
    const r = spawnSync('djpeg', ['-pnm', file], { maxBuffer: 1 << 30 });
    if (r.error) die(`${file}: cannot run djpeg (Debian libjpeg-turbo-progs): ${r.error.message}`);
    if (r.status !== 0) die(`${file}: djpeg failed: ${r.stderr.toString().trim()}`);
    return { ...readPnm(r.stdout, file), decoder: 'libjpeg-turbo' };
  }
  const jpeg = require('jpeg-js');
  const d = jpeg.decode(buf, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 2048 });
  return { width: d.width, height: d.height, rgb: d.data, decoder: 'jpeg-js' };
}

function decodePng(buf) {
  const { PNG } = require('pngjs');
  const png = PNG.sync.read(buf); // always 8-bit RGBA
  const n = png.width * png.height;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    rgb[i * 3] = png.data[i * 4];
    rgb[i * 3 + 1] = png.data[i * 4 + 1];
    rgb[i * 3 + 2] = png.data[i * 4 + 2];
  }
  return { width: png.width, height: png.height, rgb, decoder: 'pngjs' };
}

function decodeImage(file) {
  const buf = fs.readFileSync(file);
  if (buf[0] === 0xff && buf[1] === 0xd8) return decodeJpeg(buf, file);
  if (buf[0] === 0x89 && buf[1] === 0x50) return decodePng(buf);
  if (buf[0] === 0x50 && (buf[1] === 0x35 || buf[1] === 0x36)) {
    return { ...readPnm(buf, file), decoder: 'pnm' };
  }
  return die(`${file}: not a JPEG, PNG or binary PGM/PPM file`);
}

// The name recorded for an input: relative to the first --label-root that
// contains it (e.g. demo/sample1.jpg, faces/bbt/amy/amy1.png), else its base name.
function labelOf(file) {
  const abs = path.resolve(file);
  for (const root of opts.labelRoots) {
    const rel = path.relative(root, abs);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  }
  return path.basename(file);
}

// A flat file name for a label: faces/bbt/amy/amy1.png -> faces_bbt_amy_amy1.
const fileStem = (label) => label.replace(/\.[^./]*$/, '').replace(/\//g, '_');

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

// --- face-api ------------------------------------------------------------------

// The package's node-wasm build loads @tensorflow/tfjs and the wasm backend
// from node_modules; the .wasm binaries ship inside the npm package.
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
const { tf } = faceapi;
await tf.setBackend('wasm');
await tf.ready();
if (tf.getBackend() !== 'wasm') die(`tfjs backend is ${tf.getBackend()}, expected wasm`);

if (!fs.existsSync(path.join(opts.models, 'tiny_face_detector_model-weights_manifest.json'))) {
  die(`no models in ${opts.models}: run \`faceaudit models fetch\` or pass --models`);
}
await faceapi.nets.tinyFaceDetector.loadFromDisk(opts.models);
await faceapi.nets.ssdMobilenetv1.loadFromDisk(opts.models);
await faceapi.nets.faceLandmark68Net.loadFromDisk(opts.models);
await faceapi.nets.faceLandmark68TinyNet.loadFromDisk(opts.models);
await faceapi.nets.faceRecognitionNet.loadFromDisk(opts.models);
await faceapi.nets.ageGenderNet.loadFromDisk(opts.models);

const TINY_SIZE = 416;
const TINY_SCORE = 0.5;
const SSD_SCORE = 0.5;
const SSD_MAX = 100;
const tinyOptions = new faceapi.TinyFaceDetectorOptions({
  inputSize: TINY_SIZE, scoreThreshold: TINY_SCORE,
});
const ssdOptions = new faceapi.SsdMobilenetv1Options({ minConfidence: SSD_SCORE, maxResults: SSD_MAX });

// float32 values printed with 9 significant digits round-trip exactly.
const num = (v) => String(Number(Number(v).toPrecision(9)));
const nums = (a) => Array.from(a, num).join(' ');

async function cropOf(img, box) {
  const [t] = await faceapi.extractFaceTensors(img, [box]);
  return t; // undefined when the box lies outside the image
}

// One face with its landmarks as face-api's extendWithFaceLandmarks makes it
// (landmarks shifted by the detection box, alignedRect), or null.
async function withLandmarksFor(net, img, det) {
  const crop = await cropOf(img, det);
  if (!crop) return null;
  const lm = await net.detectLandmarks(crop);
  crop.dispose();
  return faceapi.extendWithFaceLandmarks(faceapi.extendWithFaceDetection({}, det), lm);
}

// Landmarks of one face in image coordinates, shifted by the detection box.
async function landmarksFor(net, img, det) {
  const r = await withLandmarksFor(net, img, det);
  return r ? r.landmarks : null;
}

// AgeGenderNet on a face tensor (or the whole image): age, the gender
// softmax (male, female) and the 512 pooled features, as predictAgeAndGender
// computes them.
async function ageGenderOf(input) {
  const net = faceapi.nets.ageGenderNet;
  const { age, gender } = await net.forward(input);
  const a = (await age.data())[0];
  const g = Array.from(await gender.data());
  age.dispose();
  gender.dispose();
  const bottleneck = await net.faceFeatureExtractor.forward(input);
  const pooled = tf.avgPool(bottleneck, [7, 7], [2, 2], 'valid');
  const features = Array.from(await pooled.data());
  bottleneck.dispose();
  pooled.dispose();
  return { age: a, male: g[0], female: g[1], features };
}

// The crop withAgeAndGender() takes: the alignedRect (landmarks' bounding box
// padded by 20 %) as extractFaceTensors clips and floors it.
function ageCropOf(img, alignedRect) {
  const [h, w] = img.shape;
  return alignedRect.forSize(w, h).box.clipAtImageBorders(w, h);
}

async function descriptorFor(img, landmarks) {
  const rect = landmarks.align(null, { useDlibAlignment: true });
  const crop = await cropOf(img, rect);
  if (!crop) return { rect, desc: null };
  const desc = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(crop);
  crop.dispose();
  return { rect, desc };
}

const flatPoints = (lm) => lm.positions.flatMap((p) => [p.x, p.y]);

async function dumpOne(file) {
  const dec = decodeImage(file);
  const label = labelOf(file);
  const lines = [];
  lines.push(`image ${label}`);
  lines.push(`source_sha256 ${sha256(fs.readFileSync(file))}`);
  lines.push(`decoder ${dec.decoder}`);
  lines.push(`pixels ${dec.width} ${dec.height} ${sha256(dec.rgb)}`);
  if (opts.dumpRgb) {
    fs.mkdirSync(opts.dumpRgb, { recursive: true });
    const out = path.join(opts.dumpRgb, `${fileStem(label)}.ppm`);
    fs.writeFileSync(out, Buffer.concat([Buffer.from(`P6\n${dec.width} ${dec.height}\n255\n`),
      Buffer.from(dec.rgb.buffer, dec.rgb.byteOffset, dec.rgb.byteLength)]));
  }
  const img = tf.tensor3d(dec.rgb, [dec.height, dec.width, 3], 'int32');

  const tiny = await faceapi.detectAllFaces(img, tinyOptions);
  lines.push(`detector tiny ${TINY_SIZE} ${TINY_SCORE} ${tiny.length}`);
  for (const d of tiny) lines.push(`box ${nums([d.score, d.box.x, d.box.y, d.box.width, d.box.height])}`);
  const ssd = await faceapi.detectAllFaces(img, ssdOptions);
  lines.push(`detector ssd 512 ${SSD_SCORE} ${ssd.length}`);
  for (const d of ssd) lines.push(`box ${nums([d.score, d.box.x, d.box.y, d.box.width, d.box.height])}`);

  const staged = [];
  for (let i = 0; i < tiny.length; i++) {
    const lm = await landmarksFor(faceapi.nets.faceLandmark68Net, img, tiny[i]);
    const lmt = await landmarksFor(faceapi.nets.faceLandmark68TinyNet, img, tiny[i]);
    lines.push(`face ${i}`);
    if (!lm) {
      lines.push('empty'); // box entirely outside the image: face-api drops it
      continue;
    }
    lines.push(`landmarks68 ${nums(flatPoints(lm))}`);
    lines.push(`landmarks68tiny ${nums(flatPoints(lmt))}`);
    const { rect, desc } = await descriptorFor(img, lm);
    lines.push(`align ${nums([rect.x, rect.y, rect.width, rect.height])}`);
    if (desc) lines.push(`descriptor ${nums(desc)}`);
    const ext = await withLandmarksFor(faceapi.nets.faceLandmark68Net, img, tiny[i]);
    const ac = ageCropOf(img, ext.alignedRect);
    let ag = null;
    if (ac.width > 0 && ac.height > 0) {
      const crop = await cropOf(img, ext.alignedRect);
      ag = await ageGenderOf(crop);
      crop.dispose();
      lines.push(`agecrop ${[ac.x, ac.y, ac.width, ac.height].join(' ')}`);
      lines.push(`agegender ${nums([ag.age, ag.male, ag.female])}`);
      lines.push(`agefeatures ${nums(ag.features)}`);
    }
    staged.push({ lm, desc, ag });
  }

  // Whole image as the face crop (dataset crops the detector may not find).
  const wl = await faceapi.nets.faceLandmark68Net.detectLandmarks(img);
  const wlt = await faceapi.nets.faceLandmark68TinyNet.detectLandmarks(img);
  const wd = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(img);
  lines.push('whole');
  lines.push(`landmarks68 ${nums(flatPoints(wl))}`);
  lines.push(`landmarks68tiny ${nums(flatPoints(wlt))}`);
  lines.push(`descriptor ${nums(wd)}`);
  const wag = await ageGenderOf(img);
  lines.push(`agegender ${nums([wag.age, wag.male, wag.female])}`);
  lines.push(`agefeatures ${nums(wag.features)}`);
  lines.push('end');

  if (opts.checkApi) {
    const api = await faceapi.detectAllFaces(img, tinyOptions).withFaceLandmarks().withFaceDescriptors();
    let worst = 0;
    if (api.length !== staged.filter((s) => s.desc).length) {
      die(`${label}: composed API found ${api.length} faces, stage by stage ${staged.length}`);
    }
    api.forEach((r, i) => {
      const a = flatPoints(r.landmarks);
      const b = flatPoints(staged[i].lm);
      a.forEach((v, k) => { worst = Math.max(worst, Math.abs(v - b[k])); });
      r.descriptor.forEach((v, k) => { worst = Math.max(worst, Math.abs(v - staged[i].desc[k])); });
    });
    if (worst !== 0) die(`${label}: composed API differs from the staged run by ${worst}`);
    const apiAg = await faceapi.detectAllFaces(img, tinyOptions).withFaceLandmarks()
      .withAgeAndGender();
    const stagedAg = staged.filter((s) => s.ag);
    if (apiAg.length !== stagedAg.length) {
      die(`${label}: withAgeAndGender found ${apiAg.length} faces, stage by stage ${stagedAg.length}`);
    }
    apiAg.forEach((r, i) => {
      const { age, male } = stagedAg[i].ag;
      const p = male > 0.5 ? male : 1 - male;
      if (r.age !== age || r.genderProbability !== p || r.gender !== (male > 0.5 ? 'male' : 'female')) {
        die(`${label}: withAgeAndGender face ${i}: ${r.age} ${r.gender} ${r.genderProbability}, `
          + `stage by stage ${age} ${male}`);
      }
    });
    process.stderr.write(`dump-reference: ${label}: composed API identical (${api.length} faces)\n`);
  }
  img.dispose();
  return lines.join('\n');
}

// --- timing (bench/recog) -------------------------------------------------------

function median(a) {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// Median wall and CPU milliseconds of fn over n runs after one warm-up. CPU
// time is the process's (user + system), so it is robust to other load on the
// machine; node's own background threads make it a slight overestimate.
async function timeIt(n, fn) {
  await fn();
  const wall = [];
  const cpu = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

async function benchOne(file, n) {
  const dec = decodeImage(file);
  const img = tf.tensor3d(dec.rgb, [dec.height, dec.width, 3], 'int32');
  const tiny = await faceapi.detectAllFaces(img, tinyOptions);
  const res = { image: labelOf(file), width: dec.width, height: dec.height, faces: tiny.length };
  const put = (key, t) => {
    res[`${key}_ms`] = t.wall;
    res[`${key}_cpu_ms`] = t.cpu;
  };
  put('decode', await timeIt(Math.max(1, Math.ceil(n / 2)), () => decodeImage(file)));
  put('tiny', await timeIt(n, () => faceapi.nets.tinyFaceDetector.locateFaces(img, tinyOptions)));
  put('ssd', await timeIt(Math.max(1, Math.ceil(n / 4)),
    () => faceapi.nets.ssdMobilenetv1.locateFaces(img, ssdOptions)));
  if (tiny.length > 0) {
    const crop = await cropOf(img, tiny[0]);
    put('landmarks', await timeIt(n, () => faceapi.nets.faceLandmark68Net.detectLandmarks(crop)));
    const lm = await landmarksFor(faceapi.nets.faceLandmark68Net, img, tiny[0]);
    const rect = lm.align(null, { useDlibAlignment: true });
    const face = await cropOf(img, rect);
    put('descriptor',
      await timeIt(n, () => faceapi.nets.faceRecognitionNet.computeFaceDescriptor(face)));
    crop.dispose();
    face.dispose();
  }
  put('pipeline', await timeIt(Math.max(1, Math.ceil(n / 2)), async () => {
    await faceapi.detectAllFaces(img, tinyOptions).withFaceLandmarks().withFaceDescriptors();
  }));
  put('end_to_end', await timeIt(Math.max(1, Math.ceil(n / 2)), async () => {
    const d = decodeImage(file);
    const t = tf.tensor3d(d.rgb, [d.height, d.width, 3], 'int32');
    await faceapi.detectAllFaces(t, tinyOptions).withFaceLandmarks().withFaceDescriptors();
    t.dispose();
  }));
  img.dispose();
  return JSON.stringify(res);
}

// --- main ----------------------------------------------------------------------

if (opts.bench > 0) {
  process.stdout.write(`${JSON.stringify({
    peer: 'face-api', version: faceapi.version, tfjs: tf.version.tfjs, backend: tf.getBackend(),
    simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), threads: tf.getThreadsCount(),
    node: process.version,
  })}\n`);
  for (const f of opts.images) process.stdout.write(`${await benchOne(f, opts.bench)}\n`);
} else {
  const header = '# faceaudit parity reference v1\n'
    + `# @vladmandic/face-api ${faceapi.version} on @tensorflow/tfjs ${tf.version.tfjs}, `
    + `backend ${tf.getBackend()}; regenerate with bench/peers/regen-parity.sh\n`;
  if (opts.outDir) fs.mkdirSync(opts.outDir, { recursive: true });
  else process.stdout.write(header);
  for (const f of opts.images) {
    const rec = `${await dumpOne(f)}\n`;
    if (opts.outDir) {
      const label = labelOf(f);
      fs.writeFileSync(path.join(opts.outDir, `${fileStem(label)}.ref`), header + rec);
    } else process.stdout.write(rec);
  }
}
